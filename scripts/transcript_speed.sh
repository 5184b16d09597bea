#!/usr/bin/env bash
# The transcripts issue's speed targets, measured in one run on one core:
# transcript issuance and offline verification per second (transcript_bench,
# 20 entries), each next to `openssl speed ecdsap256 ed25519` run just
# before it, and next to our own raw sign/verify over a message as long as
# the transcript's signing input. Targets, per algorithm:
#   verification >= 80% of OpenSSL's raw verify rate;
#   issuance     >= 25% of OpenSSL's raw sign rate.
# "verify*" is the same verification through a VerifiedStateCache (the
# status list and later checkpoint checked once for many transcripts, as
# the verification service and a cbverify batch can run it). The ceiling
# lines say what the ratios can be at all: one bare signature over the
# transcript's own signing input, against openssl's 20-byte rate.
# Prints MEETS or BELOW per target and exits 0 either way (this measures,
# it does not gate); it fails only when it cannot measure.
# Usage: scripts/transcript_speed.sh [build dir, default build]
# Env:   OPENSSL_SECONDS (default 3) per openssl operation,
#        REPETITIONS (default 3) of each benchmark; medians are shown.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR=${1:-build}
BENCH="$BUILD_DIR/bin/transcript_bench"
OPENSSL_SECONDS=${OPENSSL_SECONDS:-3}
REPETITIONS=${REPETITIONS:-3}
# Debian's python3 (the JSON parsing needs nothing beyond its standard library).
PYTHON=${PYTHON:-/usr/bin/python3}
[ -x "$PYTHON" ] || PYTHON=python3

if [ ! -x "$BENCH" ]; then
  echo "no $BENCH: build it first (ninja -C $BUILD_DIR transcript_bench)" >&2
  exit 1
fi
WORK=$(mktemp -d "${TMPDIR:-/tmp}/transcript-speed-XXXXXX")
trap 'rm -rf "$WORK"' EXIT

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //'), $(uname -r), $(date -u +%Y-%m-%dT%H:%MZ)"
echo "== openssl speed -seconds $OPENSSL_SECONDS ecdsap256 ed25519 ($(openssl version))"
# Progress lines go to stderr; the sign/s verify/s table to stdout.
openssl speed -seconds "$OPENSSL_SECONDS" ecdsap256 ed25519 >"$WORK/openssl.txt" 2>/dev/null
echo "== $BENCH x $REPETITIONS repetitions"
"$BENCH" --benchmark_format=json --benchmark_repetitions="$REPETITIONS" \
  --benchmark_report_aggregates_only=true \
  --benchmark_filter='^BM_(SignTranscript|VerifyTranscript|RawSign|RawVerify)' \
  >"$WORK/bench.json"

"$PYTHON" - "$WORK/openssl.txt" "$WORK/bench.json" <<'EOF'
import json
import re
import sys

VERIFY_TARGET = 0.80  # transcript verify/s over openssl verify/s
ISSUE_TARGET = 0.25   # transcript issue/s over openssl sign/s
# openssl speed's table rows: "<bits> bits <name> (<curve>)  <s>s  <s>s  sign/s  verify/s".
OPENSSL_ROWS = {
    "ES256": re.compile(r"^\s*256 bits ecdsa \(nistp256\)\s+\S+s\s+\S+s\s+([\d.]+)\s+([\d.]+)\s*$"),
    "EdDSA": re.compile(r"^\s*253 bits EdDSA \(Ed25519\)\s+\S+s\s+\S+s\s+([\d.]+)\s+([\d.]+)\s*$"),
}
ALGORITHMS = list(OPENSSL_ROWS)

openssl = {}
with open(sys.argv[1]) as text:
    for line in text:
        for algorithm, row in OPENSSL_ROWS.items():
            match = row.match(line)
            if match:
                openssl[algorithm] = (float(match.group(1)), float(match.group(2)))
missing = [a for a in ALGORITHMS if a not in openssl]
if missing:
    sys.exit(f"openssl speed printed no row for {', '.join(missing)}")

# The median of the repetitions (or the single run when there was one).
results, errors = {}, []
for run in json.load(open(sys.argv[2]))["benchmarks"]:
    if run.get("error_occurred"):
        errors.append(f"{run['run_name']}: {run.get('error_message', '')}")
        continue
    if run.get("run_type") == "aggregate" and run.get("aggregate_name") != "median":
        continue
    results[run["run_name"]] = run
if errors:
    sys.exit("benchmarks failed, nothing measured:\n  " + "\n  ".join(sorted(set(errors))))

def rate(name, algorithm):
    run = results.get(f"{name}/{algorithm}")
    if run is None:
        sys.exit(f"transcript_bench reported no {name}/{algorithm}")
    return run["items_per_second"]

def counter(name, algorithm, key):
    return results[f"{name}/{algorithm}"].get(key, float("nan"))

rows = [
    ("openssl sign/s", lambda a: openssl[a][0]),
    ("openssl verify/s", lambda a: openssl[a][1]),
    ("raw sign/s (ours, 20 B)", lambda a: rate("BM_RawSignShort", a)),
    ("raw verify/s (ours, 20 B)", lambda a: rate("BM_RawVerifyShort", a)),
    ("raw sign/s (ours, transcript length)", lambda a: rate("BM_RawSign", a)),
    ("raw verify/s (ours, transcript length)", lambda a: rate("BM_RawVerify", a)),
    ("transcript issue/s", lambda a: rate("BM_SignTranscript", a)),
    ("transcript verify/s", lambda a: rate("BM_VerifyTranscript", a)),
    ("transcript verify/s (cached state)", lambda a: rate("BM_VerifyTranscriptCached", a)),
]
label_width = max(len(label) for label, _ in rows) + 2
print()
print(f"{'per core':<{label_width}}" + "".join(f"{a:>12}" for a in ALGORITHMS))
for label, value in rows:
    print(f"{label:<{label_width}}" + "".join(f"{value(a):>12.1f}" for a in ALGORITHMS))
print(f"{'transcript bytes (JWS)':<{label_width}}" +
      "".join(f"{counter('BM_VerifyTranscript', a, 'transcript_bytes'):>12.0f}" for a in ALGORITHMS))
print(f"{'signing input bytes':<{label_width}}" +
      "".join(f"{counter('BM_VerifyTranscript', a, 'message_bytes'):>12.0f}" for a in ALGORITHMS))
print(f"(entries {counter('BM_SignTranscript', 'ES256', 'entries'):.0f}, "
      f"{counter('BM_SignTranscript', 'ES256', 'proof_hashes_per_entry'):.1f} proof hashes each)")
print()
for algorithm in ALGORITHMS:
    sign, verify = openssl[algorithm]
    checks = [
        ("verify", rate("BM_VerifyTranscript", algorithm) / verify, VERIFY_TARGET, "openssl verify/s"),
        ("verify*", rate("BM_VerifyTranscriptCached", algorithm) / verify, VERIFY_TARGET,
         "openssl verify/s"),
        ("issue", rate("BM_SignTranscript", algorithm) / sign, ISSUE_TARGET, "openssl sign/s"),
    ]
    for what, ratio, target, base in checks:
        verdict = "MEETS" if ratio >= target else "BELOW"
        print(f"{algorithm:<6} {what:<8}{ratio:6.3f} x {base:<17} target >= {target:.2f}  {verdict}")
print("(verify*: through a VerifiedStateCache, the status list and later checkpoint checked once)")
print()
# What the targets can be at all: one bare signature over the transcript's
# own signing input (tens of kilobytes hashed, SHA-512 twice over for an
# Ed25519 signature) against openssl's 20-byte rate. A transcript's
# verification and issuance do that and more, so no ratio above these can
# be reached without hashing less than the JWS the signature covers.
for algorithm in ALGORITHMS:
    sign, verify = openssl[algorithm]
    print(f"{algorithm:<6} ceiling: verify {rate('BM_RawVerify', algorithm) / verify:5.3f}, "
          f"issue {rate('BM_RawSign', algorithm) / sign:5.3f} x openssl "
          f"(a bare signature over the transcript's signing input)")
EOF
exit 0
