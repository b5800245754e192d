#!/usr/bin/env bash
# Makes sure the browser tests can run: Debian's chromium and the CJK fonts (without them Chinese
# renders as empty boxes). Installs them when missing and this user can; otherwise says plainly
# that the browser tests will be skipped and why. With BANGBAN_REQUIRE_BROWSER=1 (CI) a missing
# browser is an error, never a skip.
set -u
have_browser() { [ -x /usr/bin/chromium ] && fc-list 2>/dev/null | grep -qi "Noto Sans CJK"; }
if have_browser; then exit 0; fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null; then
  echo "安装浏览器测试依赖：chromium fonts-noto-cjk …"
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk) >/tmp/bangban-apt.log 2>&1 \
    || echo "apt-get 安装失败，详见 /tmp/bangban-apt.log"
fi
if have_browser; then exit 0; fi
if [ "${BANGBAN_REQUIRE_BROWSER:-0}" = "1" ]; then
  echo "错误：缺少 /usr/bin/chromium 或 fonts-noto-cjk，而本次运行要求执行浏览器测试。" >&2
  exit 1
fi
echo "注意：缺少 Debian 的 chromium 或 fonts-noto-cjk（且无法自动安装：需要 root 和 apt-get），浏览器测试将被跳过。"
exit 0
