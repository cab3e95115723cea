#!/usr/bin/env bash
# Builds the root filesystem of ctstream's offline base image into DIR: a jlink'ed Java runtime from
# the JDK that runs the build, nft (the enforcement agent applies its rules with it), and every
# shared library those need (ldd), copied from this machine. Jib lays DIR onto `scratch`, so an
# image can be built where no container registry is reachable (profile `offline-base`).
#
#   docker/base/rootfs.sh DIR [JAVA_HOME]
set -euo pipefail
out=${1:?usage: rootfs.sh DIR [JAVA_HOME]}
java_home=${2:-${JAVA_HOME:-$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")}}
jre=/opt/java/openjdk

rm -rf "$out"
mkdir -p "$out" "$out/tmp" "$out/proc" "$out/etc" "$out/usr/sbin"
# java.se and the jdk modules the components use (HTTP server, DNS, EC crypto, Unsafe for Kafka and Netty)
"$java_home/bin/jlink" --add-modules java.se,jdk.crypto.ec,jdk.httpserver,jdk.management,jdk.naming.dns,jdk.net,jdk.security.auth,jdk.security.jgss,jdk.unsupported,jdk.zipfs,jdk.jfr \
  --strip-debug --no-man-pages --no-header-files --compress=2 --output "$out$jre"

# headless: no X11, sound or splash screen (and none of the libraries they would pull in)
rm -f "$out$jre"/lib/{libawt_xawt,libjawt,libjsound,libsplashscreen}.so
binaries=("$out$jre/bin/java")
while IFS= read -r -d '' so; do binaries+=("$so"); done < <(find "$out$jre/lib" -name '*.so' -print0)
if command -v nft >/dev/null 2>&1; then
  cp -L "$(command -v nft)" "$out/usr/sbin/nft"
  binaries+=("$out/usr/sbin/nft")
else
  echo "rootfs.sh: no nft on this machine: the image cannot enforce (install nftables)" >&2
fi
# libpcap for live capture (pcap4j opens it through JNA, so ldd never names it)
for lib in /usr/lib/x86_64-linux-gnu/libpcap.so.0.8 /lib/x86_64-linux-gnu/libpcap.so.0.8; do
  if [ -e "$lib" ]; then
    mkdir -p "$out$(dirname "$lib")" && cp -L "$lib" "$out$lib" && ln -sf libpcap.so.0.8 "$out$(dirname "$lib")/libpcap.so"
    binaries+=("$out$lib")
    break
  fi
done

# every shared library the binaries load, at the path the dynamic loader looks for it
for bin in "${binaries[@]}"; do
  ldd "$bin" 2>/dev/null | awk '/=> \//{print $3} /^\t\/[^ ]+ \(/{print $1}' || true
done | sort -u | while read -r lib; do
  case "$lib" in "$out"*) continue ;; esac
  mkdir -p "$out$(dirname "$lib")"
  cp -L "$lib" "$out$lib"
done

# files the JVM and the resolver read; compose mounts /etc/hosts and /etc/resolv.conf over these
printf 'root:x:0:0:root:/root:/sbin/nologin\n' > "$out/etc/passwd"
printf 'root:x:0:\n' > "$out/etc/group"
printf 'hosts: files dns\n' > "$out/etc/nsswitch.conf"
echo "rootfs.sh: $(du -sh "$out" | cut -f1) in $out"
