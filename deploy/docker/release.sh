#!/bin/sh
# The compose file's one-shot `migrate` job, once per release: migrations under the
# advisory lock, then this image's static files into the volume nginx serves.
# Old hashed files stay, so pages still open in a browser keep their CSS/JS during a rollout.
set -eu
python manage.py migrate_with_lock --noinput
cp -R /app/var/static/. /srv/static/
