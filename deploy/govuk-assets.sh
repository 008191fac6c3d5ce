#!/bin/sh
# GOV.UK Frontend's built CSS, JS, fonts and images, copied from node_modules into
# static/govuk/ so the portal serves them itself (no CDN, no third-party requests).
# Used by `make assets` and by the Dockerfile's assets stage: one definition of the build.
set -eu
src=node_modules/govuk-frontend/dist/govuk
rm -rf static/govuk
mkdir -p static/govuk
cp "$src/govuk-frontend.min.js" "$src/govuk-frontend.min.css" static/govuk/
cp -R "$src/assets" static/govuk/assets
sed -i 's#url(/assets/#url(/static/govuk/assets/#g' static/govuk/govuk-frontend.min.css
touch static/govuk/.built
