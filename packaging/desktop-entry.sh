#!/usr/bin/env bash
# The app in the user's applications menu (Linux, freedesktop.org):
#   desktop-entry.sh install BUNDLE PREFIX    (make install-desktop)
#   desktop-entry.sh uninstall PREFIX         (make uninstall-desktop)
# install copies the built folder BUNDLE (dist/booking-desktop) to
# PREFIX/lib/booking-desktop, so the entry keeps working when the clone is
# rebuilt, moved or deleted; links PREFIX/bin/booking-desktop to it for the
# commands; writes PREFIX/share/applications/booking-desktop.desktop with
# Exec pointing at the copy; and copies the icons into
# PREFIX/share/icons/hicolor. PREFIX is normally ~/.local. The user's data
# (~/.local/share/BookingDesktop) is never touched, installed or not.
set -euo pipefail

NAME=booking-desktop
ROOT=$(cd "$(dirname "$0")/.." && pwd)

refresh_caches() {  # what a desktop does on its own sooner or later; quietly, if there
    if command -v update-desktop-database >/dev/null; then
        update-desktop-database -q "$1/share/applications" || true
    fi
    if command -v gtk-update-icon-cache >/dev/null && [ -f "$1/share/icons/hicolor/index.theme" ]; then
        gtk-update-icon-cache -q -t "$1/share/icons/hicolor" || true
    fi
}

install_entry() {
    local bundle=$1 prefix=$2
    [ -x "$bundle/$NAME" ] || { echo "error: no application in $bundle (make dist)" >&2; exit 1; }
    mkdir -p "$prefix/lib" "$prefix/bin" "$prefix/share/applications"
    local app="$prefix/lib/$NAME"
    case "$app" in
        *[[:space:]\"\'\`\$\\]*) echo "error: $app: a folder without spaces or quotes, please" >&2
                                 exit 1 ;;
    esac
    # A new copy next to the old one, then swapped in: never half an app.
    rm -rf "$app.new"
    cp -a "$bundle" "$app.new"
    rm -rf "$app"
    mv "$app.new" "$app"
    if [ -e "$prefix/bin/$NAME" ] && [ ! -L "$prefix/bin/$NAME" ]; then
        echo "note: $prefix/bin/$NAME is another program's; left as it is" >&2
    else
        ln -sfn "$app/$NAME" "$prefix/bin/$NAME"
    fi

    sed -e "s|^Exec=.*|Exec=$app/$NAME|" -e "s|^TryExec=.*|TryExec=$app/$NAME|" \
        "$ROOT/resources/$NAME.desktop" > "$prefix/share/applications/$NAME.desktop"
    (cd "$ROOT/resources/icons" && find hicolor -name "$NAME.*" -type f) | while read -r icon; do
        install -D -m 0644 "$ROOT/resources/icons/$icon" "$prefix/share/icons/$icon"
    done
    refresh_caches "$prefix"
    echo "Installed Booking Desktop in $app"
    echo "  menu entry: $prefix/share/applications/$NAME.desktop"
    echo "  commands:   $prefix/bin/$NAME (e.g. $NAME demo, $NAME --help)"
}

uninstall_entry() {
    local prefix=$1
    rm -rf "$prefix/lib/$NAME" "$prefix/lib/$NAME.new"
    if [ -L "$prefix/bin/$NAME" ]; then rm -f "$prefix/bin/$NAME"; fi
    rm -f "$prefix/share/applications/$NAME.desktop"
    find "$prefix/share/icons/hicolor" -path "*/apps/$NAME.*" -type f -delete 2>/dev/null || true
    refresh_caches "$prefix"
    echo "Removed Booking Desktop from $prefix (your data in the data folder stays)."
}

case "${1:-}" in
    install) [ $# -eq 3 ] || { echo "usage: $0 install BUNDLE PREFIX" >&2; exit 2; }
             install_entry "$2" "$3" ;;
    uninstall) [ $# -eq 2 ] || { echo "usage: $0 uninstall PREFIX" >&2; exit 2; }
               uninstall_entry "$2" ;;
    *) echo "usage: $0 install BUNDLE PREFIX | uninstall PREFIX" >&2; exit 2 ;;
esac
