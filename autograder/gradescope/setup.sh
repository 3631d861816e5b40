#!/usr/bin/env bash
# Gradescope runs this once, as root, when it builds the autograder image.
# It installs bubblewrap (the sandbox student code runs in, where the container allows it), a
# Python 3.11 to 3.13 and the pinned packages the grader and the notebooks need.
set -euo pipefail
cd "$(dirname "$0")"
[ -f requirements.txt ] || cd /autograder/source  # a copy of this script run from elsewhere

export DEBIAN_FRONTEND=noninteractive
command -v bwrap >/dev/null || { apt-get update -q && apt-get install -y -q bubblewrap; } ||
  echo "setup.sh: bubblewrap could not be installed; student code will run without a sandbox"

# Each grading run leases a user id of its own for the student's kernel (no account needed);
# it can run Python but cannot read /autograder/source. This one stands in for them here.
run_uid=1899999999
runs_as_student() {  # runs_as_student PYTHON CODE: whether a run's user id can run it
  (cd / && setpriv --reuid="$run_uid" --regid="$run_uid" --clear-groups -- "$1" -c "$2") \
    >/dev/null 2>&1
}

# A Python 3.11 to 3.13 that the student's user can run too (not one installed under /root),
# able to make a virtual environment (Debian and Ubuntu ship ensurepip separately).
supported='import sys; sys.exit(not (3, 11) <= sys.version_info[:2] <= (3, 13))'
python=""
for candidate in /usr/bin/python3 /usr/bin/python3.1[1-3] /usr/local/bin/python3.1[1-3] \
                 "$(command -v python3 || true)"; do
  if [ -x "$candidate" ] && runs_as_student "$candidate" "import venv, ensurepip; $supported"; then
    python="$candidate"; break
  fi
done
if [ -z "$python" ]; then  # the system's python3 with its venv package if supported, else 3.11
  version=$(/usr/bin/python3 -c "$supported" 2>/dev/null &&
            /usr/bin/python3 -c 'import sys; print("%d.%d" % sys.version_info[:2])' || echo 3.11)
  apt-get update -q
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q "python$version" "python$version-venv"
  python=/usr/bin/python$version
fi
"$python" -m venv /autograder/venv
/autograder/venv/bin/python -m pip install --quiet --requirement requirements.txt
if ! runs_as_student /autograder/venv/bin/python "import ipykernel, numpy"; then
  echo "setup.sh: a run's user id cannot run /autograder/venv/bin/python ($python)" >&2
  exit 1
fi
# matplotlib's font list for the kernels, made once here rather than in every grading
/autograder/venv/bin/python -c 'from autograder.engine.kernel import font_lists; font_lists()'
how=$(/autograder/venv/bin/python -c \
  'from autograder.engine.sandbox import isolation; print(isolation().summary())')
echo "setup.sh: /autograder/venv uses $python; $how"
