#!/usr/bin/env python
"""Lighthouse mobile scores of public pages on a local production server (issue 16: performance ≥ 95).

Usage:
    npm install --prefix var/lighthouse lighthouse@12.8.2      # once; PUPPETEER_SKIP_DOWNLOAD=1, no browser download
    .venv/bin/python bench/lighthouse.py [--pages / /ikm/ /privasi/] [--seed]

Starts gunicorn with DEBUG=0 (bench/run.py's environment, on LIGHTHOUSE_DATABASE_URL or DATABASE_URL),
after `collectstatic` into a temporary STATIC_ROOT (hashed, Brotli/gzip copies), and runs the Lighthouse
CLI (default mobile form factor: Moto G-class CPU slowdown ×4, slow 4G throttling) with Debian's
/usr/bin/chromium (CHROME_PATH). Prints one row per page: performance, accessibility, best practices,
SEO, and the first-load metrics. Exit status 1 when a page scores below --min-performance (95).
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

from run import bench_env, wait_for  # noqa: E402 - bench/ is not a package

PYTHON = str(ROOT / ".venv" / "bin" / "python")
LIGHTHOUSE = os.environ.get("LIGHTHOUSE_BIN", str(ROOT / "var" / "lighthouse" / "node_modules" / ".bin" / "lighthouse"))
PORT = int(os.environ.get("LIGHTHOUSE_PORT", "8610"))
DEFAULT_PAGES = ["/", "/kesehatan/", "/ikm/", "/tanam/", "/privasi/"]


def lighthouse(url, chrome_path):
    env = dict(os.environ, CHROME_PATH=chrome_path)
    out = subprocess.run(
        [
            LIGHTHOUSE,
            url,
            "--quiet",
            "--output=json",
            "--output-path=stdout",
            "--only-categories=performance,accessibility,best-practices,seo",
            "--chrome-flags=--headless=new --no-sandbox --disable-gpu",
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    if out.returncode != 0:
        raise SystemExit(f"lighthouse failed on {url}:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pages", nargs="*", default=DEFAULT_PAGES)
    parser.add_argument("--seed", action="store_true", help="run seed_demo (scale 1) on the database first")
    parser.add_argument("--static-root", help="an already collected STATIC_ROOT (skips collectstatic)")
    parser.add_argument("--min-performance", type=int, default=95)
    parser.add_argument("--chrome", default=os.environ.get("CHROME_PATH", "/usr/bin/chromium"))
    args = parser.parse_args()
    if not Path(LIGHTHOUSE).exists():
        raise SystemExit(f"{LIGHTHOUSE} missing: npm install --prefix var/lighthouse lighthouse@12.8.2")

    env = bench_env()
    env.update(
        DATABASE_URL=os.environ.get("LIGHTHOUSE_DATABASE_URL", os.environ.get("DATABASE_URL", env["DATABASE_URL"])),
        REDIS_URL=os.environ.get("LIGHTHOUSE_REDIS_URL", os.environ.get("REDIS_URL", env["REDIS_URL"])),
        GUNICORN_BIND=f"127.0.0.1:{PORT}",
        SITE_URL=f"http://127.0.0.1:{PORT}",
        WEB_CONCURRENCY="2",
        SECURE_HSTS_SECONDS="0",
    )
    with tempfile.TemporaryDirectory() as temporary:
        env["STATIC_ROOT"] = args.static_root or temporary
        subprocess.run([PYTHON, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)
        if args.seed:
            subprocess.run([PYTHON, "manage.py", "seed_demo"], cwd=ROOT, env=env, check=True)
        if not args.static_root:
            subprocess.run([PYTHON, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)
        gunicorn = subprocess.Popen(
            [str(ROOT / ".venv" / "bin" / "gunicorn"), "-c", str(ROOT / "gunicorn.conf.py"), "blitar_portal.wsgi"],
            cwd=ROOT,
            env=env,
        )
        failed = []
        try:
            base = f"http://127.0.0.1:{PORT}"
            wait_for(base + "/livez")
            urllib.request.urlopen(base + "/").read()  # warm the caches: Lighthouse measures a returning server
            print(f"{'page':28} perf  a11y  best  seo   FCP      LCP      TBT      CLS    transfer")
            for page in args.pages:
                report = lighthouse(base + page, args.chrome)
                cats, audits = report["categories"], report["audits"]
                score = {k: round((v["score"] or 0) * 100) for k, v in cats.items()}
                weight = audits["total-byte-weight"]["numericValue"] / 1024
                print(
                    f"{page:28} {score['performance']:4}  {score['accessibility']:4}  {score['best-practices']:4}  "
                    f"{score['seo']:4}  {audits['first-contentful-paint']['displayValue']:8} "
                    f"{audits['largest-contentful-paint']['displayValue']:8} "
                    f"{audits['total-blocking-time']['displayValue']:8} "
                    f"{audits['cumulative-layout-shift']['displayValue']:6} {weight:.0f} KiB"
                )
                if score["performance"] < args.min_performance:
                    failed.append(page)
        finally:
            gunicorn.terminate()
            gunicorn.wait(timeout=30)
    if failed:
        raise SystemExit(f"performance below {args.min_performance}: {', '.join(failed)}")


if __name__ == "__main__":
    main()
