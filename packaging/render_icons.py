"""Render the app icon's PNG sizes from its SVG (`make icons`).

resources/icons/hicolor/scalable/apps/booking-desktop.svg is the source;
the PNGs go beside it in the freedesktop.org "hicolor" layout
(resources/icons/hicolor/NxN/apps/booking-desktop.png), which is also what
`make install-desktop` copies into ~/.local/share/icons. They are committed,
as resources, so building the app or installing it needs no renderer.
"""
import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import Qt  # noqa: E402
from PySide6.QtGui import QGuiApplication, QImage, QPainter  # noqa: E402
from PySide6.QtSvg import QSvgRenderer  # noqa: E402

ICONS = Path(__file__).resolve().parents[1] / "resources" / "icons" / "hicolor"
NAME = "booking-desktop"
SIZES = (16, 24, 32, 48, 64, 128, 256)


def render(svg: Path, size: int) -> QImage:
    renderer = QSvgRenderer(str(svg))
    if not renderer.isValid():
        raise SystemExit(f"{svg} is not an SVG Qt can draw")
    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
    renderer.render(painter)
    painter.end()
    return image


def main() -> int:
    app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])  # noqa: F841 (Qt needs one)
    svg = ICONS / "scalable" / "apps" / f"{NAME}.svg"
    for size in SIZES:
        path = ICONS / f"{size}x{size}" / "apps" / f"{NAME}.png"
        path.parent.mkdir(parents=True, exist_ok=True)
        if not render(svg, size).save(str(path), "PNG"):
            raise SystemExit(f"could not write {path}")
        print(path.relative_to(ICONS.parents[1]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
