# fs-pickup controller. Build: docker build -t fs-pickup .
FROM node:20-bookworm-slim

ENV NODE_ENV=production
WORKDIR /app

# Dependencies first so that code changes do not reinstall them. tsx (which runs the
# TypeScript sources) is a runtime dependency, so dev dependencies can be left out.
COPY package.json package-lock.json ./
RUN npm ci --omit=dev && npm cache clean --force

COPY . .

# The node image's unprivileged user; the app needs no writable files of its own.
USER node

CMD ["npm", "start"]
