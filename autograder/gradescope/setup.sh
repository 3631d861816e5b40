#!/usr/bin/env bash
# Gradescope runs this once, as root, when it builds the autograder image.
# It installs a Python >= 3.11 and the pinned packages the grader and the notebooks need.
set -euo pipefail
cd "$(dirname "$0")"
[ -f requirements.txt ] || cd /autograder/source  # a copy of this script run from elsewhere

python=""
for candidate in python3.11 python3.12 python3.13 python3; do
  if command -v "$candidate" >/dev/null \
     && "$candidate" -c 'import sys, venv; assert sys.version_info >= (3, 11)' 2>/dev/null; then
    python="$candidate"; break
  fi
done
if [ -z "$python" ]; then
  apt-get update -q
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q python3.11 python3.11-venv
  python=python3.11
fi
"$python" -m venv /autograder/venv
/autograder/venv/bin/python -m pip install --quiet --requirement requirements.txt
# the student's kernel runs as this user, who can run Python but not read /autograder/source
id coursekit-student >/dev/null 2>&1 || useradd --system --no-create-home coursekit-student
