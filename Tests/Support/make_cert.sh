#!/bin/sh
# Usage: make_cert.sh DIR
# Writes DIR/cert.pem and DIR/key.pem: a self-signed (EC P-256) certificate for
# CN=localhost, subjectAltName DNS:localhost, IP:127.0.0.1, valid 7 days.
# The cert is its own CA (basicConstraints CA:TRUE), so `curl --cacert DIR/cert.pem`
# / CURLOPT_CAINFO accept it. Prints the two paths on stdout, one per line.
set -eu
if [ $# -ne 1 ]; then echo "usage: $0 DIR" >&2; exit 2; fi
command -v openssl >/dev/null 2>&1 || { echo "make_cert.sh: openssl not found" >&2; exit 3; }
dir=$1
mkdir -p "$dir"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
    -keyout "$dir/key.pem" -out "$dir/cert.pem" -days 7 \
    -subj "/CN=localhost/O=newsletter tests" \
    -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" \
    -addext "basicConstraints=critical,CA:TRUE" \
    -addext "keyUsage=critical,digitalSignature,keyCertSign" \
    -addext "extendedKeyUsage=serverAuth" >/dev/null 2>&1 \
  || { echo "make_cert.sh: openssl req failed" >&2; exit 1; }
chmod 600 "$dir/key.pem"
echo "$dir/cert.pem"
echo "$dir/key.pem"
