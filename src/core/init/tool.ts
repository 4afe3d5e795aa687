// `dam init --kind tool`: the tool lives in the image; install puts a shim on the host that runs it in a
// throw-away container, and records the shim's path in the kept meta copy so that uninstall removes
// exactly that file.
import {
  type InitFile,
  type InitInput,
  EXECUTABLE,
  REGULAR,
  TAG_LINES,
  description,
  dockerfileHeader,
  environmentFile,
  scriptHeader,
} from './common.js';

export function toolProject({ name, base }: InitInput): InitFile[] {
  const dockerfile = `${dockerfileHeader('tool', base)}COPY tool /usr/local/bin/tool
COPY meta /meta
ENTRYPOINT ["/usr/local/bin/tool"]
`;
  const install = `${scriptHeader('install', "Puts a shim on the host that runs the tool in a container with the caller's arguments.")}${TAG_LINES}# DAM_BIN_DIR chooses the folder when installing; else DEFAULT_BIN_DIR of ENVIRONMENT.
bin_dir=\${DAM_BIN_DIR:-\${DEFAULT_BIN_DIR}}
shim="$bin_dir/\${DAM_APP_NAME}"

mkdir -p "$bin_dir" state
tmp="$shim.dam-tmp.$$"
cat > "$tmp" <<SHIM
#!/bin/sh
# Installed by DAM for \${DAM_APP_NAME}; \\\`dam remove \${DAM_APP_NAME}\\\` deletes it.
exec docker run --rm -i --label dam.app=\${DAM_APP_NAME} "$tag" "\\$@"
SHIM
chmod 755 "$tmp"
mv -f "$tmp" "$shim"
# Recorded in the kept meta copy (the working directory): uninstall removes this very file.
echo "$shim" > state/shim-path
echo "installed $shim (runs $tag)"
`;
  const uninstall = `${scriptHeader('uninstall', 'Removes the shim install put on the host, and only a shim DAM installed for this app.')}if [ -f state/shim-path ]; then
  shim=$(cat state/shim-path)
else
  shim="\${DAM_BIN_DIR:-\${DEFAULT_BIN_DIR}}/\${DAM_APP_NAME}"
fi
if [ -f "$shim" ] && grep -q '^# Installed by DAM for \${DAM_APP_NAME};' "$shim"; then
  rm -f "$shim"
  echo "removed $shim"
fi
rm -f state/shim-path
`;
  const tool = `#!/bin/sh
# The tool itself, run in a container by the shim on the host.
echo "${name} runs in a container; arguments: $*"
`;
  return [
    { path: 'Dockerfile', text: dockerfile, mode: REGULAR },
    {
      path: 'ENVIRONMENT',
      text: environmentFile(
        name,
        '# Where install puts the shim unless DAM_BIN_DIR is set when installing.\nDEFAULT_BIN_DIR=/usr/local/bin\n',
      ),
      mode: REGULAR,
    },
    description(
      'a command-line tool; install puts a shim on the host that runs it in a container, uninstall removes the shim.',
    ),
    { path: 'meta/install.exp', text: install, mode: EXECUTABLE },
    { path: 'meta/uninstall.exp', text: uninstall, mode: EXECUTABLE },
    { path: 'tool', text: tool, mode: EXECUTABLE },
  ];
}
