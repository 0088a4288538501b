# Shared pieces of scripts/serve and scripts/test: progress lines, idempotent installs
# (each one checks what is there first and returns at once when it is), and the wasm build.
# Sourced, not run.

set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
export PATH="$HOME/.cargo/bin:$ROOT/node_modules/.bin:$PATH"
T0=${EPOCHREALTIME/,/.}

# A progress line with the seconds since the script started.
step() {
    local now=${EPOCHREALTIME/,/.}
    awk -v a="$T0" -v b="$now" -v m="$*" 'BEGIN { printf "[%6.1fs] %s\n", b - a, m }' >&2
}

die() {
    echo "error: $*" >&2
    exit 1
}

# Run a command as root (CI and these machines are root; elsewhere use sudo).
as_root() {
    if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi
}

APT_UPDATED=""
apt_install() {
    if [ -z "$APT_UPDATED" ]; then
        step "apt-get update"
        as_root apt-get update -qq
        APT_UPDATED=1
    fi
    step "apt-get install $*"
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

ensure_rust_target() {
    command -v cargo >/dev/null || die "cargo not found: install Rust with rustup first"
    if ! rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown; then
        step "rustup target add wasm32-unknown-unknown"
        rustup target add wasm32-unknown-unknown
    fi
}

# The wasm-bindgen CLI must match the crate's version exactly; read it from Cargo.lock.
ensure_wasm_bindgen() {
    local want have
    want=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/[^0-9.]/, ""); print; exit }' Cargo.lock)
    [ -n "$want" ] || die "wasm-bindgen is not in Cargo.lock"
    have=$(wasm-bindgen --version 2>/dev/null | awk '{ print $2 }' || true)
    if [ "$have" != "$want" ]; then
        step "cargo install wasm-bindgen-cli $want (about 2 minutes, once)"
        # Not --locked: the CLI's own lockfile pins crates that may be missing from the registry.
        cargo install wasm-bindgen-cli --version "$want" --force
    fi
}

ensure_node() {
    if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
        apt_install nodejs npm
    fi
}

# npm ci from the committed lockfile when node_modules is missing or was made from another one.
ensure_node_modules() {
    local want have=""
    want=$(sha256sum package-lock.json | cut -d' ' -f1)
    [ -f node_modules/.pagelab-lock ] && have=$(cat node_modules/.pagelab-lock)
    if [ "$have" != "$want" ] || [ ! -x node_modules/.bin/wasm-opt ]; then
        step "npm ci"
        npm ci --no-audit --no-fund --loglevel=error
        echo "$want" >node_modules/.pagelab-lock
    fi
}

ensure_chromium() {
    if [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/chromedriver ]; then
        apt_install chromium chromium-driver
    fi
}

# Everything the build needs.
ensure_build_tools() {
    ensure_rust_target
    ensure_wasm_bindgen
    ensure_node
    ensure_node_modules
}

size_line() {
    local f=$1
    printf '%s: %s bytes, %s gzipped' "${f#"$ROOT"/}" "$(wc -c <"$f")" "$(gzip -9 -c "$f" | wc -c)"
}

# cargo build → wasm-bindgen → wasm-opt (from the npm binaryen package: Debian's is too old).
# wasm-bindgen and wasm-opt are skipped when the compiled module has not changed. Every
# command checks its status itself: callers run this inside `if`, where `set -e` is off.
build_wasm() {
    local wasm="${CARGO_TARGET_DIR:-target}/wasm32-unknown-unknown/release/pagelab.wasm" out=www/pkg stamp
    build_full_wasm || return 1
    step "cargo build --release --target wasm32-unknown-unknown"
    cargo build --quiet --lib --release --target wasm32-unknown-unknown || return 1
    stamp=$(cksum <"$wasm") || return 1
    if [ -f "$out/.stamp" ] && [ "$(cat "$out/.stamp")" = "$stamp" ] && [ -f "$out/pagelab_bg.wasm" ]; then
        step "www/pkg is up to date"
    else
        step "wasm-bindgen --target web"
        rm -f "$out/.stamp"
        # The function names stay until wasm-opt, which orders the functions by them and
        # then strips them (--strip-debug).
        wasm-bindgen --target web --out-dir "$out" --remove-producers-section "$wasm" || return 1
        # Sizes are the page's download budget (issue 5; scripts/size checks it).
        # --low-memory-unused: the first KB of memory is the far end of the 1 MB stack,
        # never reached (the script parser limits nesting), so binaryen may fold offsets.
        # --zero-filled-memory: the module's own memory starts zeroed.
        # --one-caller-inline-max-function-size=20: a function with one caller is inlined
        # into it only when tiny (the default inlines any size). The module gets about 8 KB
        # larger but 7.7 KB smaller gzipped: the separate functions compress better than
        # their bodies inlined, each slightly different, into big callers.
        # --reorder-functions-by-name: related functions (one module's, one type's) sit
        # together, where gzip finds their likeness: 2.4 KB smaller gzipped.
        # --strip-target-features: the section naming the wasm features used is for tools;
        # browsers ignore it.
        step "wasm-opt -Oz"
        wasm-opt -Oz --converge --one-caller-inline-max-function-size=20 --low-memory-unused \
            --zero-filled-memory --reorder-functions-by-name --strip-debug --strip-producers \
            --strip-target-features "$out/pagelab_bg.wasm" -o "$out/pagelab_bg.wasm" || return 1
        # The generated glue shrinks to about half gzipped when minified; exports keep
        # their names, so the page and embedders import it as before. Its inline JS
        # snippet goes inside it (one file: the page and its worker both import it).
        step "terser www/pkg/pagelab.js"
        bundle_js "$out/pagelab.js" "$out/pagelab.js" || return 1
        echo "$stamp" >"$out/.stamp"
    fi
    step "$(size_line "$out/pagelab_bg.wasm"); $(size_line "$out/pagelab.js")"
    # The <page-lab> element as one module for blogs (www/pkg/page-lab.js), and the index
    # page's own script as one module (www/pkg/app.js, which index.html loads): both
    # minified, since they count in the page's download budget.
    bundle_js www/page-lab.js "$out/page-lab.js" || return 1
    step "single-file <page-lab>: $(size_line "$out/page-lab.js")"
    # The index page and its run worker import the glue (www/pkg/pagelab.js) rather than
    # each holding a copy: a reader downloads it once.
    bundle_js www/app.js "$out/app.js" www/pkg/pagelab.js || return 1
    step "single-file index page: $(size_line "$out/app.js")"
    # The worker runs scripts in (a file of its own: a strict CSP refuses blob: workers):
    # whole for <page-lab> (run-worker.js, copied beside page-lab.js), and for the index
    # page importing the glue that app.js imports too (app-worker.js).
    bundle_js www/run-worker.js "$out/run-worker.js" || return 1
    bundle_js www/run-worker.js "$out/app-worker.js" www/pkg/pagelab.js || return 1
    step "run workers: $(size_line "$out/run-worker.js"); $(size_line "$out/app-worker.js")"
}

# The full module (www/pkg/pagelab-full.js and pagelab-full_bg.wasm): the crate with the
# `full` feature, loaded only by www/compare.html's worker, by the homework of
# `index.html?quiz=SEED` (www/homework.js imports it then) and by tools, so it stays out of
# the index page's download budget. Built before the page's own module, which then leaves
# target/…/pagelab.wasm as build_wasm expects it.
build_full_wasm() {
    local wasm="${CARGO_TARGET_DIR:-target}/wasm32-unknown-unknown/release/pagelab.wasm" out=www/pkg stamp
    step "cargo build --release --target wasm32-unknown-unknown --features full"
    cargo build --quiet --lib --release --target wasm32-unknown-unknown --features full || return 1
    stamp=$(cksum <"$wasm") || return 1
    if [ -f "$out/.full-stamp" ] && [ "$(cat "$out/.full-stamp")" = "$stamp" ] && [ -f "$out/pagelab-full_bg.wasm" ]; then
        return 0
    fi
    rm -f "$out/.full-stamp"
    # The same wasm-opt flags as the page's module (see build_wasm): the full module is what
    # ?quiz= and the Compare view download.
    wasm-bindgen --target web --out-dir "$out" --out-name pagelab-full --remove-producers-section "$wasm" || return 1
    wasm-opt -Oz --converge --one-caller-inline-max-function-size=20 --low-memory-unused \
        --zero-filled-memory --reorder-functions-by-name --strip-debug --strip-producers \
        --strip-target-features "$out/pagelab-full_bg.wasm" -o "$out/pagelab-full_bg.wasm" || return 1
    echo "$stamp" >"$out/.full-stamp"
    step "$(size_line "$out/pagelab-full_bg.wasm") (the full module)"
}

# One minified module from an entry and everything it imports but the EXTERNAL modules
# (comma-separated), which it imports: bundle_js ENTRY OUTPUT [EXTERNAL].
bundle_js() {
    local entry=$1 output=$2 external=${3:-}
    node scripts/single-file.mjs "$entry" "$output" "$external" || return 1
    terser "$output" --module --compress --mangle -o "$output.min" || return 1
    mv "$output.min" "$output" || return 1
    node --check "$output" || return 1
}
