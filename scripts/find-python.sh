#!/bin/sh
# Print the path of a Python >= 3.12: on PATH, in pyenv's versions, or uv-managed.
# pyenv shims for versions that are not selected exist on PATH but fail when run,
# so every candidate is actually executed, never just looked up.
ok() { "$1" -c 'import sys; sys.exit(sys.version_info < (3, 12))' >/dev/null 2>&1; }
for c in python3.13 python3.12 python3.14 python3; do
  p=$(command -v "$c" 2>/dev/null) || continue
  if ok "$p"; then "$p" -c 'import sys; print(sys.executable)'; exit 0; fi
done
root=$(pyenv root 2>/dev/null || echo "$HOME/.pyenv")
for p in $(ls -d "$root"/versions/3.1[2-9]*/bin/python3 2>/dev/null | sort -rV); do
  if ok "$p"; then echo "$p"; exit 0; fi
done
if command -v uv >/dev/null 2>&1; then
  p=$(UV_PYTHON_DOWNLOADS=never uv python find '>=3.12' 2>/dev/null) && ok "$p" && { echo "$p"; exit 0; }
fi
echo "Rollbook needs Python 3.12 or newer and none was found (looked on PATH, in pyenv's versions and uv's)." >&2
echo "Install one, e.g. 'pyenv install 3.13' or your system's python3.13 package, then run make again." >&2
exit 1
