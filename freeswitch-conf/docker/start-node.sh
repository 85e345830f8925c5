#!/bin/sh
# fs-pickup: entrypoint of the FreeSWITCH nodes in docker-compose.yml. Sets what differs per node in
# the image's stock configuration (/etc/freeswitch), then starts FreeSWITCH. A FreeSWITCH installed
# on a host needs the same settings made by hand: see freeswitch-conf/README.md.
#
# Environment, set per node in docker-compose.yml:
#   FS_DOMAIN            SIP domain of the users. The same on every node: fs-pickup keys users and
#                        their groups by user@domain, and the stock domain is the node's own IP.
#   FS_DEFAULT_PASSWORD  replaces the stock default_password 1234, with which the stock dialplan makes
#                        every call (pickups included) wait 10 s behind a warning.
#   FS_PUBLIC_IP         the Docker host's address that phones reach: goes into SDP and Contact.
#   FS_SIP_PORT          this node's phone SIP port, published 1:1 (the port is in Contact headers).
#   FS_RTP_PORTS         <first>-<last> RTP port of this node, published 1:1 (the ports are in SDP).
#   FS_PICKUP_CONTROLLERS  host:port[|host:port…] of the fs-pickup controllers serving this node: the
#                        dialplan's socket application connects pickers there ($${fs_pickup_controllers}).
#
# Each edit matches the stock text and the already-edited one (a restarted container keeps its
# files), and the result is checked: another image version with other files fails here, loudly,
# instead of starting a node whose phones register but hear nothing.
set -eu

conf=/etc/freeswitch

fail() {
  echo "fs-pickup start-node.sh: $*" >&2
  exit 1
}

# Fails unless variable $1's value is non-empty and made only of the characters in bracket set $2.
check_value() {
  eval "value=\${$1:-}"
  case "$value" in
    '' | *[!$2]*) fail "$1 must be set, with only the characters [$2] (got \"$value\")" ;;
  esac
}

# Runs sed expression $2 on file $1, then requires text $3 in it.
edit() {
  sed -i -E "$2" "$1"
  grep -qF -- "$3" "$1" || fail "$1 is not the stock file this script expects (no $3 after the edit)"
}

# Sets preprocessor variable $1 of the stock vars.xml to $2.
set_var() {
  edit "$conf/vars.xml" "s#cmd=\"set\" data=\"$1=[^\"]*\"#cmd=\"set\" data=\"$1=$2\"#" "data=\"$1=$2\""
}

# Sets switch.conf.xml's rtp-$1-port (start or end; commented out in the stock file) to $2.
set_rtp_port() {
  edit "$conf/autoload_configs/switch.conf.xml" \
    "s#(<!-- *)?<param name=\"rtp-$1-port\" value=\"[0-9]*\"/>( *-->)?#<param name=\"rtp-$1-port\" value=\"$2\"/>#" \
    "<param name=\"rtp-$1-port\" value=\"$2\"/>"
}

check_value FS_DOMAIN 'A-Za-z0-9.-'
check_value FS_DEFAULT_PASSWORD 'A-Za-z0-9._-'
check_value FS_PUBLIC_IP '0-9.'
check_value FS_SIP_PORT '0-9'
check_value FS_PICKUP_CONTROLLERS '0-9.:|'
rtp_first=${FS_RTP_PORTS%%-*}
rtp_last=${FS_RTP_PORTS#*-}
check_value rtp_first '0-9'
check_value rtp_last '0-9'

set_var domain "$FS_DOMAIN"
set_var default_password "$FS_DEFAULT_PASSWORD"
set_var internal_sip_port "$FS_SIP_PORT"
# Not in the stock vars.xml: added once, before its closing tag, then set like the others.
grep -qF 'data="fs_pickup_controllers=' "$conf/vars.xml" ||
  edit "$conf/vars.xml" 's#</include>#  <X-PRE-PROCESS cmd="set" data="fs_pickup_controllers="/>\n</include>#' 'data="fs_pickup_controllers='
set_var fs_pickup_controllers "$FS_PICKUP_CONTROLLERS"
set_rtp_port start "$rtp_first"
set_rtp_port end "$rtp_last"
for kind in sip rtp; do
  edit "$conf/sip_profiles/internal.xml" \
    "s#name=\"ext-$kind-ip\" value=\"[^\"]*\"#name=\"ext-$kind-ip\" value=\"$FS_PUBLIC_IP\"#" \
    "name=\"ext-$kind-ip\" value=\"$FS_PUBLIC_IP\""
done

# -nonat: no UPnP/NAT-PMP probing at start; the public address is set above.
exec /usr/bin/freeswitch -nonat
