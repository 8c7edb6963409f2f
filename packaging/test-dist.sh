#!/usr/bin/env bash
# make test-dist: the built folder on its own. Every run of it starts in a
# temporary folder outside the source tree, with an empty environment (env -i):
# no venv, no Python on PATH (PATH is an empty folder), HOME a fresh folder,
# the offscreen Qt platform, and PYTHONTZPATH empty so the time zones must come
# from the bundle's own tzdata, as on Windows. Checks exit statuses and what
# each command wrote.
#   packaging/test-dist.sh dist/booking-desktop
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUNDLE=$(cd "${1:-$ROOT/dist/booking-desktop}" && pwd)
APP="$BUNDLE/booking-desktop"
WORK=$(mktemp -d "${TMPDIR:-/tmp}/booking-test-dist.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
mkdir -p "$WORK/home" "$WORK/empty-path" "$WORK/run"
failures=0

say() { printf '%s\n' "$*"; }
fail() { say "FAIL: $*"; failures=$((failures + 1)); }

# The bundle, as a person's shell would start it: nothing from this build around.
app() {
    (cd "$WORK/run" && env -i HOME="$WORK/home" PATH="$WORK/empty-path" LANG=C.UTF-8 \
        QT_QPA_PLATFORM=offscreen PYTHONTZPATH= "$APP" "$@")
}

# step NAME COMMAND...: run, time, keep the output in $WORK/NAME.out, fail on non-zero.
step() {
    local name=$1; shift
    local started=$SECONDS status=0
    "$@" > "$WORK/$name.out" 2> "$WORK/$name.err" || status=$?
    if [ "$status" -ne 0 ]; then
        fail "$name exited $status"; sed 's/^/    /' "$WORK/$name.err" | tail -20
        return 1
    fi
    say "ok   $name ($((SECONDS - started)) s)"
}

is_png() { [ -s "$1" ] && [ "$(head -c 8 "$1" | od -An -tx1 | tr -d ' \n')" = 89504e470d0a1a0a ]; }

say "Bundle: $BUNDLE ($(du -sh "$BUNDLE" | cut -f1), $(find "$BUNDLE" -type f | wc -l) files)"
say "Working in $WORK"

# 1. The Qt and ICU libraries the spec leaves in must all be there.
missing=$(find "$BUNDLE" -name '*.so*' -type f -exec ldd {} + 2>/dev/null \
          | grep 'not found' | grep -E 'libQt6|libicu|libpyside|libshiboken|libpython' | sort -u || true)
[ -z "$missing" ] && say "ok   bundled libraries resolve" || fail "bundled libraries missing: $missing"

# 2. The commands.
if step version app --version; then
    grep -q '^Booking Desktop ' "$WORK/version.out" || fail "--version: $(cat "$WORK/version.out")"
fi
if step help app --help; then  # the commands, under the program's own name
    grep -q '^usage: booking-desktop ' "$WORK/help.out" || fail "--help: $(head -1 "$WORK/help.out")"
    for command in screenshot demo check export backup restore move-to bench-ui; do
        grep -q "^    $command " "$WORK/help.out" || fail "--help does not list $command"
    done
fi

DB="sqlite:///$WORK/demo.db"
if step demo app --db "$DB" demo --scale 0.2; then
    grep -q '^Built the demo' "$WORK/demo.out" || fail "demo: $(cat "$WORK/demo.out")"
fi
if step check app --db "$DB" check; then
    grep -qx 'No problems found.' "$WORK/check.out" || fail "check: $(cat "$WORK/check.out")"
fi

migrations=$(find "$ROOT/booking_desktop/migrations" -name '[0-9]*.py' | wc -l)
if step migrate-status app --db "$DB" migrate --status; then
    [ "$(grep -c ' applied ' "$WORK/migrate-status.out")" -eq "$migrations" ] \
        || fail "migrate --status does not list the $migrations migrations as applied"
fi

# The demo's weeks around today, in every format.
for format in pdf xlsx ics csv; do
    if step "export-$format" app --db "$DB" export --format "$format" \
            --from "$(date -d '-60 days' +%F)" --to "$(date -d '+60 days' +%F)" \
            -o "$WORK/export.$format"; then
        grep -q '^Wrote [1-9]' "$WORK/export-$format.out" \
            || fail "export --format $format: $(cat "$WORK/export-$format.out")"
    fi
done
head -c 5 "$WORK/export.pdf" | grep -q '%PDF-' || fail "the PDF export is not a PDF"
grep -q 'BEGIN:VTIMEZONE' "$WORK/export.ics" || fail "the iCalendar export has no time zones"

# A long CSV export shares its work with a second process: in the bundle that
# process is the app started again (multiprocessing.freeze_support in main.py).
# bench --scale 0.25: 5 businesses, about 120,000 bookings, over the
# 100,000 rows that start it. Its rows must all arrive, and nothing may be
# logged about it failing (the first process would then write them itself).
BIG="sqlite:///$WORK/big.db"
if step big-db app --db "$BIG" bench --scale 0.25 --repeat 1 \
        && step export-shared app -v --db "$BIG" export --format csv \
            --from "$(date -d '-400 days' +%F)" --to "$(date -d '+400 days' +%F)" \
            -o "$WORK/shared.csv"; then
    grep -q 'a second process writes' "$WORK/export-shared.err" \
        || fail "the long CSV export did not start a second process"
    if grep -E "second process (failed|ended)|could not start a second" \
            "$WORK/export-shared.err"; then
        fail "the export's second process did not do its share"
    fi
    wrote=$(sed -n 's/^Wrote \([0-9,]*\) bookings.*/\1/p' "$WORK/export-shared.out" | tr -d ,)
    lines=$(($(wc -l < "$WORK/shared.csv") - 1))
    [ -n "$wrote" ] && [ "$wrote" -ge 100000 ] && [ "$lines" -eq "$wrote" ] \
        || fail "shared CSV: wrote '$wrote' bookings, the file has $lines rows"
    say "     $wrote rows, a second process wrote its share"
fi
rm -f "$WORK/big.db" "$WORK/shared.csv"

step screenshot app screenshot "$WORK/shots" || true
count=0
wanted=(front-desk bookings calendar calendar-day hours-editor reports sign-in first-run
        user-guide health)
for shot in "${wanted[@]}"; do
    if is_png "$WORK/shots/$shot.png"; then count=$((count + 1)); else fail "no $shot.png"; fi
done
for png in "$WORK"/shots/*.png; do is_png "$png" || fail "$png is not a PNG"; done
say "     $(ls "$WORK/shots" | wc -l) screenshots, PNG and non-empty ($count of the ${#wanted[@]} looked for)"

# German: the app's catalogue (resources/i18n/*.qm, built by make) and Qt's
# own (qtbase_de) must both be in the bundle; a missing one is logged.
if step screenshot-de app screenshot --lang de "$WORK/shots-de"; then
    if grep -q 'no translation' "$WORK/screenshot-de.err"; then
        fail "German: $(grep 'no translation' "$WORK/screenshot-de.err" | head -2)"
    fi
    is_png "$WORK/shots-de/front-desk.png" || fail "no German front-desk.png"
    say "     $(ls "$WORK/shots-de" | wc -l) German screenshots, every catalogue found"
fi

# The user guide is read from the bundle's resources/help, its pictures beside it.
guides=("$BUNDLE"/_internal/resources/help/*.md)
[ -f "${guides[0]}" ] || fail "no user guide in the bundle"
for picture in $(grep -ho '](\.\./[^)]*)' "${guides[@]}" | sed 's/^](\(.*\))$/\1/'); do
    [ -s "$BUNDLE/_internal/resources/help/$picture" ] || fail "the guide's $picture is not in the bundle"
done
# The German guides in resources/help/de, their pictures two folders up.
de_guides=("$BUNDLE"/_internal/resources/help/de/*.md)
[ -f "${de_guides[0]}" ] || fail "no German user guide in the bundle"
for picture in $(grep -ho '](\.\./[^)]*)' "${de_guides[@]}" | sed 's/^](\(.*\))$/\1/'); do
    [ -s "$BUNDLE/_internal/resources/help/de/$picture" ] || fail "the German guide's $picture is not in the bundle"
done

# 3. PostgreSQL through the bundle's psycopg, when a server is given (as .ci/run does).
if [ -n "${BOOKING_TEST_POSTGRES_URL:-}" ]; then
    schema="dist_$$_$RANDOM"
    psql_admin() { "$ROOT/.venv/bin/python" -c "import sys, psycopg
with psycopg.connect(sys.argv[1], autocommit=True) as c: c.execute(sys.argv[2])" \
        "$BOOKING_TEST_POSTGRES_URL" "$1"; }
    psql_admin "CREATE SCHEMA $schema"
    joiner='?'; case "$BOOKING_TEST_POSTGRES_URL" in *\?*) joiner='&' ;; esac
    PG="$BOOKING_TEST_POSTGRES_URL${joiner}options=-csearch_path%3D$schema"
    step pg-demo app --db "$PG" demo --scale 0.05 || true
    if step pg-check app --db "$PG" check; then
        grep -qx 'No problems found.' "$WORK/pg-check.out" \
            || fail "check on PostgreSQL: $(cat "$WORK/pg-check.out")"
    fi
    psql_admin "DROP SCHEMA $schema CASCADE"
else
    say "skip PostgreSQL (BOOKING_TEST_POSTGRES_URL is not set)"
fi

# 4. The menu entry, installed into a scratch prefix and removed again.
PREFIX="$WORK/prefix"
step install-desktop "$ROOT/packaging/desktop-entry.sh" install "$BUNDLE" "$PREFIX" || true
entry="$PREFIX/share/applications/booking-desktop.desktop"
grep -qx "Exec=$PREFIX/lib/booking-desktop/booking-desktop" "$entry" || fail "Exec in $entry"
if command -v desktop-file-validate >/dev/null; then
    desktop-file-validate "$entry" && say "ok   desktop-file-validate" || fail "desktop-file-validate"
fi
for size in 16 24 32 48 64 128 256; do
    is_png "$PREFIX/share/icons/hicolor/${size}x${size}/apps/booking-desktop.png" \
        || fail "icon ${size}x${size} not installed"
done
# The installed copy runs on its own, through the link in bin/.
step installed-version env -i HOME="$WORK/home" PATH="$WORK/empty-path" \
    "$PREFIX/bin/booking-desktop" --version || true
step uninstall-desktop "$ROOT/packaging/desktop-entry.sh" uninstall "$PREFIX" || true
left=$(find "$PREFIX" -iname '*booking*' \( -type f -o -type l -o -type d \))
[ -z "$left" ] || fail "uninstall left: $left"

if [ "$failures" -ne 0 ]; then
    say "test-dist: $failures failed"
    exit 1
fi
say "test-dist: all passed"
