#!/usr/bin/env bash
# The RPM (CPack's RPM generator, `make rpm`): the same files as the .deb,
# installed with rpm into a scratch root (its own rpm database), where the
# installed binary runs and `rpm -V` finds every file as packaged. The
# default config is %config(noreplace): an edited copy survives removal as
# .rpmsave. rpmbuild's generator wrote the shared-library Requires.
source "$(dirname "$0")/lib.sh"
command -v rpmbuild >/dev/null || fail "rpmbuild missing: run make deps (Debian's rpm package)"

for generator in RPM DEB; do
  (cd "$AINODE_BUILD_DIR" && cpack -G "$generator" -B "$WORK_DIR/$generator" >"$WORK_DIR/cpack-$generator.log" 2>&1) ||
    { cat "$WORK_DIR/cpack-$generator.log"; fail "cpack -G $generator"; }
done
grep -q "Warning" "$WORK_DIR/cpack-RPM.log" && { cat "$WORK_DIR/cpack-RPM.log"; fail "cpack -G RPM warned"; }
rpm_file=$(ls "$WORK_DIR"/RPM/ainode-*.x86_64.rpm "$WORK_DIR"/RPM/ainode-*.rpm 2>/dev/null | head -1)
[ -f "$rpm_file" ] || fail "no .rpm in $WORK_DIR/RPM"
deb_file=$(ls "$WORK_DIR"/DEB/ainode_*.deb)

# Regular files (and links) of each package, as absolute paths.
rpm -qp --qf '[%{FILEMODES:perms} %{FILENAMES}\n]' "$rpm_file" 2>/dev/null | awk '$1 !~ /^d/ {print $2}' | sort >"$WORK_DIR/rpm.files"
dpkg-deb -c "$deb_file" | awk '$1 !~ /^d/ {sub(/^\./, "", $6); print $6}' | sort >"$WORK_DIR/deb.files"
diff -u "$WORK_DIR/deb.files" "$WORK_DIR/rpm.files" || fail "the .rpm and the .deb carry different files"
grep -qx /usr/lib/systemd/system/ainode.service "$WORK_DIR/rpm.files" || fail "no systemd unit in the rpm"

flags=$(rpm -qp --qf '[%{FILEFLAGS:fflags} %{FILENAMES}\n]' "$rpm_file" 2>/dev/null)
grep -qx "cn /etc/ainode/ainode.toml" <<<"$flags" || { echo "$flags"; fail "default config is not %config(noreplace)"; }
requires=$(rpm -qp --requires "$rpm_file" 2>/dev/null)
# Libraries opened at run time (libcurl, libsqlite3, libfreeipmi: docs/architecture.md)
# are not linked, so rpmbuild cannot see them; the linked ones it must find.
grep -q "^libm.so.6()(64bit)" <<<"$requires" || { echo "$requires"; fail "shared-library Requires were not generated"; }

root="$WORK_DIR/root"
mkdir -p "$root"
rpm --root "$root" --initdb || fail "rpm --initdb"
# --nodeps: the scratch database lists none of the shared libraries the
# package requires; they are on this host, where it runs.
rpm --root "$root" -i --nodeps "$rpm_file" >"$WORK_DIR/rpm-i.log" 2>&1 || { cat "$WORK_DIR/rpm-i.log"; fail "rpm -i"; }
rpm --root "$root" -q ainode >/dev/null || fail "rpm does not list ainode as installed"
rpm --root "$root" -V --nodeps ainode || fail "rpm -V: installed files differ from the package"
version=$("$root/usr/bin/ainode" --version) || fail "installed ainode --version failed"
[[ "$version" == ainode\ 0.* ]] || fail "unexpected version output: $version"
"$root/usr/bin/ainode" --config "$root/etc/ainode/ainode.toml" config show >/dev/null ||
  fail "installed default config is rejected"

echo "# edited by the operator" >>"$root/etc/ainode/ainode.toml"
rpm --root "$root" -e --nodeps ainode >"$WORK_DIR/rpm-e.log" 2>&1 || { cat "$WORK_DIR/rpm-e.log"; fail "rpm -e"; }
[ ! -e "$root/usr/bin/ainode" ] || fail "rpm -e left the binary"
grep -q "edited by the operator" "$root/etc/ainode/ainode.toml.rpmsave" 2>/dev/null || fail "edited config not kept as .rpmsave"
echo "rpm: $(basename "$rpm_file") installs ($version), verifies, same $(wc -l <"$WORK_DIR/rpm.files") files as the .deb, config kept on removal"
