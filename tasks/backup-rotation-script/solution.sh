#!/bin/bash
# Reference solution: a careful rewrite of the rotation script.
set -euo pipefail
cat > /app/rotate-backups.sh <<'SH'
#!/bin/bash
# Prune old backups: keep the N newest (by the timestamp in the name) per backup name.
set -uo pipefail
export LC_ALL=C

usage() {
  echo "usage: rotate-backups.sh [--keep N] [--dry-run] DIR${1:+ ($1)}" >&2
  exit 2
}

keep=7
dry_run=0
dir=""
have_dir=0
while [ $# -gt 0 ]; do
  case "$1" in
    --keep) [ $# -ge 2 ] || usage "--keep needs a value"; keep="$2"; shift 2 ;;
    --keep=*) keep="${1#--keep=}"; shift ;;
    --dry-run) dry_run=1; shift ;;
    --) shift; break ;;
    -*) usage "unknown option $1" ;;
    *) [ "$have_dir" -eq 0 ] || usage "only one DIR"; dir="$1"; have_dir=1; shift ;;
  esac
done
if [ $# -gt 0 ]; then
  [ "$have_dir" -eq 0 ] && [ $# -eq 1 ] || usage "only one DIR"
  dir="$1"; have_dir=1
fi
[ "$have_dir" -eq 1 ] || usage "no DIR given"
[[ "$keep" =~ ^[0-9]+$ ]] && [ "$((10#$keep))" -gt 0 ] || usage "N must be a positive integer"
keep=$((10#$keep))
[ -d "$dir" ] || usage "not a directory: $dir"

re='^([A-Za-z0-9_-]+)-([0-9]{8})-([0-9]{6})\.tar\.gz$'
declare -A seen=()
victims=()
while IFS=$'\t' read -r name _stamp base; do
  seen[$name]=$(( ${seen[$name]:-0} + 1 ))
  if [ "${seen[$name]}" -gt "$keep" ]; then victims+=("$base"); fi
done < <(
  for path in "$dir"/*; do
    base="${path##*/}"
    if [ -f "$path" ] && [[ "$base" =~ $re ]]; then
      printf '%s\t%s%s\t%s\n' "${BASH_REMATCH[1]}" "${BASH_REMATCH[2]}" "${BASH_REMATCH[3]}" "$base"
    fi
  done | sort -t $'\t' -k1,1 -k2,2r
)

[ "${#victims[@]}" -gt 0 ] || exit 0
printf '%s\n' "${victims[@]}" | sort | while IFS= read -r base; do
  if [ "$dry_run" -eq 0 ]; then rm -f -- "$dir/$base"; fi
  printf '%s\n' "$base"
done
SH
chmod 755 /app/rotate-backups.sh
