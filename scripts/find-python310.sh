#!/usr/bin/env bash
# Prints the path of a working Python 3.10 interpreter, or explains what to install.
# Rasa 3.6 refuses 3.11+, and a pyenv shim named python3.10 may exist yet fail to run
# (it needs PYENV_VERSION), so every candidate is executed before it is trusted.
set -u

works() {
  "$1" -c 'import sys, venv; sys.exit(0 if sys.version_info[:2] == (3, 10) else 1)' >/dev/null 2>&1
}

candidates=()
command -v python3.10 >/dev/null 2>&1 && candidates+=("$(command -v python3.10)")
pyenv_root="${PYENV_ROOT:-}"
if [ -z "$pyenv_root" ] && command -v pyenv >/dev/null 2>&1; then
  pyenv_root="$(pyenv root 2>/dev/null)"
fi
[ -n "$pyenv_root" ] || pyenv_root="$HOME/.pyenv"
# Newest 3.10 patch release first.
for p in $(ls -d "$pyenv_root"/versions/3.10.*/bin/python3.10 2>/dev/null | sort -t. -k3,3nr -V -r); do
  candidates+=("$p")
done
for p in /usr/bin/python3.10 /usr/local/bin/python3.10; do
  [ -x "$p" ] && candidates+=("$p")
done

for p in "${candidates[@]}"; do
  if works "$p"; then
    echo "$p"
    exit 0
  fi
done

cat >&2 <<'MSG'
No working Python 3.10 was found (Rasa Open Source 3.6 needs exactly 3.10 here).
Install one of:
  - with pyenv:   pyenv install 3.10.13
  - with apt:     apt-get install python3.10 python3.10-venv
Then run the make command again.
MSG
exit 1
