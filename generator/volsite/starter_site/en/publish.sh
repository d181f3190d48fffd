#!/bin/sh
# Make the site and upload it to your own server or cloud storage. Use: sh publish.sh
# Only changed files are uploaded: volsite keeps the times of files whose content did not
# change, which rsync and ossutil go by; coscmd -s compares contents (MD5) to the same end.
set -eu

volsite check
volsite build

# Choose one, remove its leading #, and put in your own address:
# 1. Your own server (rsync):
# rsync -av --delete output/ user@example.org:/var/www/volunteer/
# 2. Alibaba Cloud OSS (ossutil):
# ossutil sync output/ oss://your-bucket/ --delete --update
# 3. Tencent Cloud COS (coscmd):
# coscmd upload -rs --delete output/ /

echo "The site is in output/; choose a way to upload it in this file."
