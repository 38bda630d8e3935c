# Sourced by the compatibility tests: extracts the pinned upstream sources
# into $CB/src and sets UP (nubificus/vaccel @ ebc23b1 = v0.8.0), CATCH
# (Catch2 3.7.1), FFF (fff 1.1), SLOG (slog 1.8.22) and UP_COMMIT.
# Needs REPO and CB. Tarballs come from <repo>/../shared/third_party when
# present, else they are downloaded (same pinned versions) into $CB/dl.
TP=$REPO/../shared/third_party
mkdir -p "$CB/dl" "$CB/src"
UP_COMMIT=ebc23b1
declare -A TARBALL=(
	[vaccel]="vaccel-$UP_COMMIT.tar.gz|https://github.com/nubificus/vaccel/archive/$UP_COMMIT.tar.gz|vaccel-$UP_COMMIT"
	[catch2]="Catch2-3.7.1.tar.gz|https://github.com/catchorg/Catch2/archive/refs/tags/v3.7.1.tar.gz|Catch2-3.7.1"
	[fff]="fff-1.1.tar.gz|https://github.com/meekrosoft/fff/archive/refs/tags/v1.1.tar.gz|fff-1.1"
	[slog]="slog-1.8.22.tar.gz|https://github.com/kala13x/slog/archive/refs/tags/1.8.22.tar.gz|slog-1.8.22"
)
# Extracts one pinned source into $CB/src/<dir>; prints that path.
get_src() {
	IFS='|' read -r file url dir <<<"${TARBALL[$1]}"
	local dest=$CB/src/$dir
	if [ ! -e "$dest/.extracted" ]; then
		local tgz=$TP/$file
		if [ ! -f "$tgz" ]; then
			tgz=$CB/dl/$file
			[ -f "$tgz" ] || curl -fsSL -o "$tgz" "$url"
		fi
		rm -rf "$dest" && mkdir -p "$dest"
		tar xzf "$tgz" -C "$dest" --strip-components=1
		touch "$dest/.extracted"
	fi
	echo "$dest"
}
UP=$(get_src vaccel)
CATCH=$(get_src catch2)
FFF=$(get_src fff)
SLOG=$(get_src slog)
