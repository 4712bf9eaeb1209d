# Shared by the scripts in deploy/ (sourced, not run): the repository folder and the
# Python that has Noaber installed (the checkout's .venv when there is one, as after
# `make install`; else python3 on the PATH, as in the container image).
ROOT=$(CDPATH= cd -- "$(dirname -- "$0")/.." && pwd)
cd "$ROOT"
if [ -x "$ROOT/.venv/bin/python" ]; then
    PY="$ROOT/.venv/bin/python"
else
    PY=python3
fi
export FLASK_APP=app
# log lines reach journald / docker logs as they are written
export PYTHONUNBUFFERED=1

flask() {
    "$PY" -m flask "$@"
}

# `flask noaber db-state`: 0 current, 3 behind (empty or older), 4 ahead (a revision this
# code does not know), 1 not reachable; it prints one line saying which.
db_state() {
    state=0
    flask noaber db-state || state=$?
}
