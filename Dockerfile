# fs-pickup controller. Build: docker build -t fs-pickup .
# Two stages: TypeScript is compiled in the first; the image that runs holds only the JavaScript (dist/), the
# production dependencies and package.json, and runs it with plain node — no TypeScript loader.

FROM node:20-bookworm-slim AS build
WORKDIR /app
# Dependencies first so that code changes do not reinstall them. --ignore-scripts: the "prepare" build needs the
# sources, which come next.
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build

FROM node:20-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
# Production dependencies only (no tsx, no typescript); --ignore-scripts skips "prepare", which would build again.
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force
# There is nothing to build here and no tsx: `npm start` and `npm run pickupctl` run the compiled code.
RUN npm pkg delete scripts.prepare scripts.prestart && npm pkg set scripts.pickupctl="node bin/pickupctl.js"
# dist/store/scripts.js reads ../../package.json (the version names the Lua scripts): /app/package.json.
COPY --from=build /app/dist ./dist
# `docker compose exec controller1 npx pickupctl …` runs the compiled CLI through bin/pickupctl.js.
COPY bin ./bin

# The node image's unprivileged user; the app needs no writable files of its own.
USER node

# node itself, not npm start: SIGTERM reaches the controller directly (graceful stop) and nothing builds at start.
CMD ["node", "dist/main.js"]
