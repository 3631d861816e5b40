#!/usr/bin/env bash
# A new machine, from scratch: the kit on a minimal Debian 13 (Python 3.13, Debian's packages
# only), as an instructor would set it up, and a Gradescope zip on an image whose only Python
# is 3.13.
#
#   sudo bash benchmarks/fresh_debian.sh [--with-tests]  > benchmarks/results/fresh_debian.txt
#
# Root 1: `debootstrap --variant=minbase trixie`, then python3, python3-venv, make, git and
#   ca-certificates from Debian; a clone of this checkout's HEAD; `make`; every assignment's
#   solution notebook graded with `coursekit grade` (full marks expected); `make test` with
#   --with-tests; `git status` clean.
# Root 2: the same minimal Debian with only python3 (no venv package, no bubblewrap): one zip's
#   setup.sh and run_autograder as Gradescope runs them, with bubblewrap and then without it.
# Each step prints its time; a failing step prints the end of its log and stops the script.
# Everything lives in one folder under /var/tmp, unmounted and removed on exit. Needs root and
# the network to Debian's and PyPI's registries; installs debootstrap on the host if missing.
set -euo pipefail

KIT=$(cd "$(dirname "$0")/.." && pwd)
SUITE=trixie
ZIP=hw1
WITH_TESTS=0
[ "${1:-}" = --with-tests ] && WITH_TESTS=1
[ "$(id -u)" = 0 ] || { echo "fresh_debian.sh: run as root (debootstrap and chroot)" >&2; exit 2; }

WORK=$(mktemp -d /var/tmp/coursekit-fresh.XXXXXX)
mounted_under() { awk -v w="$WORK/" 'index($2, w) == 1 {print $2}' /proc/self/mounts | sort -r; }
cleanup() {
  local point
  for point in $(mounted_under); do umount --lazy "$point" 2>/dev/null || true; done
  if [ -n "$(mounted_under)" ]; then
    echo "fresh_debian.sh: still mounted under $WORK, left in place:" $(mounted_under) >&2
  else
    rm -rf --one-file-system "$WORK"
  fi
}
trap cleanup EXIT

started=$SECONDS
step() {  # step NAME COMMAND...: run it, its output in a log; print its time or its failure
  local name=$1 begin=$SECONDS log
  shift
  log="$WORK/logs/$(echo "$name" | tr -c 'a-zA-Z0-9\n' '_').log"
  mkdir -p "$WORK/logs"
  if "$@" >"$log" 2>&1; then
    printf '%-62s %5d s\n' "$name" $((SECONDS - begin))
  else
    printf '%-62s FAILED after %d s; end of its log:\n' "$name" $((SECONDS - begin))
    tail -n 40 "$log" | sed 's/^/    /'
    exit 1
  fi
}
say() { echo "    $*"; }

# A root made usable: its own mount point (bubblewrap's pivot_root needs one), /proc, /sys,
# /dev, and the host's way to the registries: its name resolution, its proxy settings and its
# certificate authorities (a proxy that re-signs TLS needs them; pip reads PIP_CERT).
HOST_ENV=()
for name in http_proxy https_proxy no_proxy HTTP_PROXY HTTPS_PROXY NO_PROXY PIP_INDEX_URL; do
  [ -n "${!name:-}" ] && HOST_ENV+=("$name=${!name}")
done
HOST_CA=/etc/ssl/host-ca.crt
enter() {  # enter ROOT COMMAND...: run COMMAND in ROOT as root, with a login-like environment
  local root=$1
  shift
  chroot "$root" /usr/bin/env -i HOME=/root TERM=dumb LANG=C.UTF-8 \
    PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    PIP_CERT=$HOST_CA SSL_CERT_FILE=$HOST_CA ${HOST_ENV[@]+"${HOST_ENV[@]}"} "$@"
}
prepare() {
  local root=$1
  mount --bind "$root" "$root"
  mount -t proc proc "$root/proc"
  mount -t sysfs sys "$root/sys"
  mount --bind /dev "$root/dev"
  mount -t devpts devpts "$root/dev/pts" -o newinstance,ptmxmode=0666
  mount -t tmpfs tmpfs "$root/run"
  cp /etc/resolv.conf "$root/etc/resolv.conf"
  mkdir -p "$root$(dirname $HOST_CA)"
  cp /etc/ssl/certs/ca-certificates.crt "$root$HOST_CA"
}
apt_install() {  # apt_install ROOT PACKAGE...: Debian's packages, without recommends
  enter "$1" apt-get update -q &&
    enter "$1" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
      "${@:2}"
}

echo "# $(date -u +%F), host: $(. /etc/os-release; echo "$PRETTY_NAME"), $(uname -m)," \
     "$(nproc) cores; kit at $(git -C "$KIT" rev-parse --short HEAD)"
command -v debootstrap >/dev/null || step "host: apt-get install debootstrap" \
  apt-get install -y -q debootstrap
step "debootstrap --variant=minbase $SUITE" debootstrap --variant=minbase "$SUITE" "$WORK/base"
cp -a "$WORK/base" "$WORK/kit"
cp -a "$WORK/base" "$WORK/gradescope"
prepare "$WORK/kit"
prepare "$WORK/gradescope"

# Root 1: an instructor's new machine.
R=$WORK/kit
step "root 1: apt-get install python3 python3-venv make git" \
  apt_install "$R" python3 python3-venv make git ca-certificates
say "$(enter "$R" sh -c '. /etc/os-release; echo "$PRETTY_NAME"'), $(enter "$R" python3 --version)"
step "root 1: git clone the kit" git clone --quiet --no-hardlinks "$KIT" "$R/root/coursekit"
step "root 1: make (venv, Debian tools, data, releases, zips)" \
  enter "$R" make -C /root/coursekit
say "$(enter "$R" /root/coursekit/.venv/bin/python --version) in .venv;" \
    "$(enter "$R" sh -c 'cd /root/coursekit && .venv/bin/pip list 2>/dev/null | wc -l') packages"
for solution in "$KIT"/solutions/hw*/hw*.ipynb; do
  name=$(basename "$solution" .ipynb)
  step "root 1: coursekit grade $name, its solution notebook" enter "$R" sh -c \
    "cd /root/coursekit && .venv/bin/coursekit grade $name solutions/$name/$name.ipynb \
     --out /root/$name.json"
  say "$(enter "$R" /root/coursekit/.venv/bin/python -c "import json; r = json.load(open(
    '/root/$name.json')); print(f\"{r['score']:g} of {sum(t['max_score'] for t in r['tests']):g}\
 points\"); assert abs(r['score'] - sum(t['max_score'] for t in r['tests'])) < 1e-6")"
done
if [ "$WITH_TESTS" = 1 ]; then
  step "root 1: make test" enter "$R" make -C /root/coursekit test
  say "$(grep -E '^=+ .*(passed|failed)' "$WORK/logs/root_1__make_test.log" | tail -n 1)"
fi
step "root 1: git status is clean" enter "$R" sh -c \
  'cd /root/coursekit && test -z "$(git status --porcelain)" || { git status --short; exit 1; }'

# Root 2: a Gradescope image whose only Python is 3.13, without its venv package.
G=$WORK/gradescope
step "root 2: apt-get install python3 unzip" apt_install "$G" python3 unzip ca-certificates
say "$(enter "$G" python3 --version); python3.11 on offer: $(enter "$G" sh -c \
    'apt-cache show python3.11 >/dev/null 2>&1 && echo yes || echo no')"
mkdir -p "$G/autograder/source" "$G/autograder/submission" "$G/autograder/results"
cp "$R/root/coursekit/autograder/dist/$ZIP.zip" "$G/root/"
cp "$KIT/solutions/$ZIP/$ZIP.ipynb" "$G/autograder/submission/"
step "root 2: unzip $ZIP.zip into /autograder/source" enter "$G" \
  unzip -q "/root/$ZIP.zip" -d /autograder/source
step "root 2: setup.sh" enter "$G" bash /autograder/source/setup.sh
say "$(grep '^setup.sh: /autograder/venv uses' "$WORK/logs/root_2__setup_sh.log")"
cp "$G/autograder/source/run_autograder" "$G/autograder/run_autograder"
graded() {  # what run_autograder wrote, checked for full marks
  enter "$G" /autograder/venv/bin/python -c "import json; r = json.load(open(
    '/autograder/results/results.json')); full = sum(t['max_score'] for t in r['tests'])
print(f\"{r['score']:g} of {full:g} points\"); assert abs(r['score'] - full) < 1e-6"
}
step "root 2: run_autograder, with bubblewrap" enter "$G" sh -c \
  'cd /autograder && bash ./run_autograder'
say "$(grep -i 'student code runs' "$WORK/logs/root_2__run_autograder__with_bubblewrap.log" \
      | head -n 1)"
say "$(graded)"
step "root 2: apt-get remove bubblewrap" enter "$G" apt-get remove -y -q bubblewrap
rm -f "$G/autograder/results/results.json"
step "root 2: run_autograder, without bubblewrap" enter "$G" sh -c \
  'cd /autograder && bash ./run_autograder'
say "$(grep -i 'student code runs' "$WORK/logs/root_2__run_autograder__without_bubblewrap.log" \
      | head -n 1)"
say "$(graded)"
echo "all steps passed in $((SECONDS - started)) s; $WORK is removed on exit"
