#!/bin/sh
# 生成网站并上传到自己的服务器或云存储。用法：sh publish.sh
# 只上传有改动的文件：volsite 不会改动内容没变的文件的修改时间，rsync 和 ossutil 据此跳过它们；
# coscmd -s 比较文件内容（MD5），同样只传改动过的。
set -eu

volsite check
volsite build

# 选一种方式，把前面的 # 去掉，并改成你们自己的地址：
# 1. 自己的服务器（rsync）：
# rsync -av --delete output/ user@example.org:/var/www/volunteer/
# 2. 阿里云 OSS（ossutil）：
# ossutil sync output/ oss://your-bucket/ --delete --update
# 3. 腾讯云 COS（coscmd）：
# coscmd upload -rs --delete output/ /

echo "网站已生成在 output/；请在本文件中选择一种上传方式。"
