#!/usr/bin/env bash
# The install an admin makes, and the installed program at work:
#   (a) cmake --install into a fresh prefix puts the program, its man page
#       (generated from the flag table) and the README and examples where
#       admins look, and nothing else of the build (no s3tool);
#   (b) the installed program reports its libraries (--version) and, under
#       real mpirun with 2 ranks, copies a bucket of the test RGW byte for
#       byte (one object chunked over the ranks);
#   (c) the man page renders without a roff warning and shows the flags;
#   (d) cpack -G DEB makes a .deb with those files under /usr and the
#       shared libraries' packages as dependencies; as root, with no
#       caios2dfs-mpi package on the machine, dpkg -i installs it, man finds
#       the page, the program runs from /usr/bin, and dpkg -r removes it.
#   tests/install_test.sh BUILD_DIR
set -uo pipefail
PROG=install_test
# shellcheck source=copy/rgw_script_env.sh
. "$(dirname "$0")/copy/rgw_script_env.sh" "$@"
use_test_rgw

WORK=$(mktemp -d /var/tmp/caios2dfs-install.XXXXXX)
dpkg_installed=0
cleanup() {
  local rc=$?
  if (( dpkg_installed )); then dpkg -r caios2dfs-mpi >/dev/null 2>&1 || say "could not remove the package (dpkg -r caios2dfs-mpi)"; fi
  remove_test_bucket
  end_test "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# (a) cmake --install
PREFIX=$WORK/prefix
cmake --install "$BUILD_DIR" --prefix "$PREFIX" > "$WORK/install.log" 2>&1 || { cat "$WORK/install.log"; fail "cmake --install"; }
expected="bin/caios2dfs-mpi
share/doc/caios2dfs-mpi/README.md
share/doc/caios2dfs-mpi/examples/cluster-skew.png
share/doc/caios2dfs-mpi/examples/mpirun.sh
share/doc/caios2dfs-mpi/examples/rclone.conf.template
share/doc/caios2dfs-mpi/examples/report-timeline.png
share/doc/caios2dfs-mpi/examples/transfer.slurm
share/man/man1/caios2dfs-mpi.1"
installed=$(cd "$PREFIX" && find . -type f | sed 's|^\./||' | sort)
[[ $installed == "$expected" ]] || fail "installed files differ:"$'\n'"$(diff <(echo "$expected") <(echo "$installed"))"
[[ -x $PREFIX/share/doc/caios2dfs-mpi/examples/mpirun.sh ]] || fail "examples/mpirun.sh lost its execute bit"

# (b) the installed program
version=$("$PREFIX/bin/caios2dfs-mpi" --version) || fail "--version failed"
[[ $version == "caios2dfs-mpi 0.1.0"* && $version == *"libcurl "* && $version == *"OpenSSL "* ]] ||
  fail "--version says: $version"
make_test_bucket install
mkdir -p "$WORK/src/sub"
head -c $((3 * 1024 * 1024 + 77)) /dev/urandom > "$WORK/src/big.bin"
printf 'hello\n' > "$WORK/src/sub/a.txt"
: > "$WORK/src/sub/empty"
for key in big.bin sub/a.txt sub/empty; do put_test_object "$WORK/src/$key" "$key"; done
timeout 300 mpirun --oversubscribe -np 2 "$PREFIX/bin/caios2dfs-mpi" --multi-thread-cutoff 1M --chunk-size 256K \
  --report "$WORK/report.json" "s3://$bucket" "$WORK/dest" > "$WORK/copy.log" 2>&1 ||
  { cat "$WORK/copy.log"; fail "the installed program's copy failed"; }
diff -r "$WORK/src" "$WORK/dest" || fail "the installed program's copy differs from the bucket"
[[ $(field "$WORK/report.json" 'd["objects_copied"]') == 3 ]] || fail "report: objects_copied is not 3"

# (c) the man page
page=$PREFIX/share/man/man1/caios2dfs-mpi.1
warnings=$(groff -man -Tutf8 -ww -z "$page" 2>&1)
[[ -z $warnings ]] || fail "groff warns about the man page: $warnings"
rendered=$(MANWIDTH=100 groff -man -Tutf8 -P-cbou "$page" 2>/dev/null)
for piece in "caios2dfs-mpi - copy an S3 bucket" "--transfers N" "--direct-io[=auto|always|never]" "EXIT STATUS"; do
  [[ $rendered == *"$piece"* ]] || fail "the rendered man page lacks '$piece'"
done

# (d) the .deb
(cd "$BUILD_DIR" && cpack -G DEB -B "$WORK/pkg") > "$WORK/cpack.log" 2>&1 || { cat "$WORK/cpack.log"; fail "cpack -G DEB"; }
debs=("$WORK"/pkg/caios2dfs-mpi_*.deb)
(( ${#debs[@]} == 1 )) && [[ -f ${debs[0]} ]] || fail "cpack made no single .deb: $(ls "$WORK/pkg")"
deb=${debs[0]}
contents=$(dpkg-deb -c "$deb")
for path in ./usr/bin/caios2dfs-mpi ./usr/share/man/man1/caios2dfs-mpi.1 \
  ./usr/share/doc/caios2dfs-mpi/examples/transfer.slurm ./usr/share/doc/caios2dfs-mpi/README.md; do
  grep -q " $path\$" <<< "$contents" || fail "the .deb lacks $path"
done
depends=$(dpkg-deb -f "$deb" Depends)
for package in libcurl4 libssl3 libopenmpi3 openmpi-bin; do
  [[ $depends == *"$package"* ]] || fail "the .deb does not depend on $package: $depends"
done
if (( EUID != 0 )); then
  say "not root: the .deb was checked, not installed"
elif dpkg -s caios2dfs-mpi >/dev/null 2>&1; then
  say "a caios2dfs-mpi package is installed already: the .deb was checked, not installed over it"
else
  dpkg_installed=1
  dpkg -i "$deb" > "$WORK/dpkg.log" 2>&1 || { cat "$WORK/dpkg.log"; fail "dpkg -i"; }
  if [[ ! -e /usr/share/man/man1/caios2dfs-mpi.1 ]] && grep -qs 'path-exclude.*/usr/share/man' /etc/dpkg/dpkg.cfg.d/*; then
    say "this machine's dpkg leaves man pages out (/etc/dpkg/dpkg.cfg.d): man not tried"
  else
    [[ $(man -w caios2dfs-mpi 2>/dev/null) == /usr/share/man/man1/caios2dfs-mpi.1* ]] || fail "man does not find the page"
  fi
  [[ $(/usr/bin/caios2dfs-mpi --version | head -1) == "caios2dfs-mpi 0.1.0" ]] || fail "/usr/bin/caios2dfs-mpi --version"
  timeout 120 mpirun --oversubscribe -np 2 /usr/bin/caios2dfs-mpi --bench write --bench-files 4 --bench-size 1M \
    "$WORK/bench" > "$WORK/bench.log" 2>&1 || { cat "$WORK/bench.log"; fail "the packaged program's --bench write"; }
  dpkg -r caios2dfs-mpi > "$WORK/dpkg.log" 2>&1 || { cat "$WORK/dpkg.log"; fail "dpkg -r"; }
  dpkg_installed=0
  [[ ! -e /usr/bin/caios2dfs-mpi ]] || fail "dpkg -r left /usr/bin/caios2dfs-mpi"
fi
