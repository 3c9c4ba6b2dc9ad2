"""Draw the app icons of the web app manifest (static/img/pwa/*.png) from the favicon's shapes.

The PNGs are committed (a few KB); run this again only when the logo changes:
    .venv/bin/python scripts/pwa_icons.py
"""

from pathlib import Path

from PIL import Image, ImageDraw

OUT = Path(__file__).resolve().parent.parent / "static" / "img" / "pwa"
GREEN, YELLOW, WHITE = (11, 93, 75), (242, 194, 48), (255, 255, 255)
SIZES = (192, 512)  # what Chrome/Android ask for; 180 for iOS' apple-touch-icon
SCALE = 4  # drawn large, then downsampled: smooth edges


def draw(size, *, maskable=False, rounded=True):
    big = size * SCALE
    image = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    pen = ImageDraw.Draw(image)
    if maskable or not rounded:
        pen.rectangle((0, 0, big, big), fill=GREEN)
    else:
        pen.rounded_rectangle((0, 0, big - 1, big - 1), radius=big * 6 // 32, fill=GREEN)
    # The favicon's leaf on a 32-unit grid; a maskable icon keeps it inside the 80 % safe zone.
    unit = big / 32 * (0.7 if maskable else 1.0)
    offset = (big - 32 * unit) / 2

    def xy(x, y):
        return (offset + x * unit, offset + y * unit)

    leaf = [xy(16, 5)]
    leaf += [xy(16 - 7 * t, 5 + 13 * t**0.8) for t in (0.25, 0.5, 0.75, 1.0)]
    pen.polygon(leaf + [xy(23, 18)] + [xy(16 + 7 * t, 5 + 13 * t**0.8) for t in (1.0, 0.75, 0.5, 0.25)], fill=YELLOW)
    pen.ellipse((*xy(9, 11), *xy(23, 25)), fill=YELLOW)
    pen.rectangle((*xy(15, 18), *xy(17, 27)), fill=WHITE)
    return image.resize((size, size), Image.LANCZOS)


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    for size in SIZES:
        draw(size).save(OUT / f"icon-{size}.png", optimize=True)
        draw(size, maskable=True).save(OUT / f"maskable-{size}.png", optimize=True)
    draw(180, rounded=False).save(OUT / "apple-touch-icon.png", optimize=True)
    draw(96).save(OUT / "icon-96.png", optimize=True)  # the shortcuts' icon


if __name__ == "__main__":
    main()
