#!/bin/sh
# The layering rule of src/ (docs/architecture.md): base -> wire -> obs ->
# net -> tcp -> socket -> stack. A file may include headers of its own layer
# and of the layers before it, never one above. Public headers (tcpkit/...,
# under include/) are the API and may be included anywhere. Every offending
# #include line is printed as FILE:LINE: text (layer -> layer); the exit
# status is 1 when there is one.
set -eu
src=${1:-$(dirname "$0")/../../src}
cd "$src"

rank() {
    case $1 in
    base) echo 0 ;; wire) echo 1 ;; obs) echo 2 ;; net) echo 3 ;;
    tcp) echo 4 ;; socket) echo 5 ;; stack) echo 6 ;; *) echo -1 ;;
    esac
}

# The layer of a path relative to src/: its folder, or stack for src/ itself.
layer_of() {
    case $1 in
    */*) echo "${1%%/*}" ;;
    *) echo stack ;;
    esac
}

out=$(mktemp)
trap 'rm -f "$out"' EXIT
files=$(find . -name '*.[ch]' | sed 's|^\./||' | sort)
for f in $files; do
    from=$(layer_of "$f")
    dir=$(dirname "$f")
    grep -n '^[[:space:]]*#[[:space:]]*include[[:space:]]*"' "$f" | while IFS= read -r hit; do
        line=${hit%%:*}
        inc=$(printf '%s\n' "$hit" | sed 's/^[^"]*"\([^"]*\)".*/\1/')
        case $inc in tcpkit/*) continue ;; esac
        if [ "$dir" != . ] && [ -f "$dir/$inc" ]; then
            to=$(layer_of "$(realpath -m --relative-to=. "$dir/$inc")")
        elif [ -f "$inc" ]; then
            to=$(layer_of "$(realpath -m --relative-to=. "$inc")")
        else
            continue # not a header of src/ (the compiler reports a missing one)
        fi
        if [ "$(rank "$to")" -gt "$(rank "$from")" ]; then
            echo "$f:$line: ${hit#*:} ($from includes $to)"
        fi
    done
done >"$out"
if [ -s "$out" ]; then
    cat "$out"
    echo "check-layers: an include runs up the layers (base, wire, obs, net, tcp, socket, stack)" >&2
    exit 1
fi
echo "check-layers: ok"
