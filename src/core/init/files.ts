// `dam init --kind files`: install drops a configuration file (rendered by `dam create` from a template)
// onto the host and records what it wrote; uninstall removes exactly that, and the folder if it made it.
import {
  type InitFile,
  type InitInput,
  EXECUTABLE,
  REGULAR,
  description,
  dockerfileHeader,
  environmentFile,
  scriptHeader,
} from './common.js';

export function filesProject({ name, base }: InitInput): InitFile[] {
  const dockerfile = `${dockerfileHeader('files', base)}COPY meta /meta
`;
  const install = `${scriptHeader('install', 'Copies the configuration file from the meta copy onto the host.')}# DAM_CONF_DIR chooses the folder when installing; else DEFAULT_CONF_DIR of ENVIRONMENT.
conf_dir=\${DAM_CONF_DIR:-\${DEFAULT_CONF_DIR}}
conf="$conf_dir/\${DAM_APP_NAME}.conf"

mkdir -p state
if [ ! -d "$conf_dir" ]; then
  mkdir -p "$conf_dir"
  echo "$conf_dir" > state/created-dir
fi
cp -f files/app.conf "$conf"
# Recorded in the kept meta copy (the working directory): uninstall removes this very file.
echo "$conf" > state/conf-path
echo "installed $conf"
`;
  const uninstall = `${scriptHeader('uninstall', 'Removes the configuration file install wrote, and its folder if install made it.')}if [ -f state/conf-path ]; then
  conf=$(cat state/conf-path)
else
  conf="\${DAM_CONF_DIR:-\${DEFAULT_CONF_DIR}}/\${DAM_APP_NAME}.conf"
fi
rm -f "$conf"
if [ -f state/created-dir ]; then
  rmdir "$(cat state/created-dir)" 2>/dev/null || true
fi
rm -f state/conf-path state/created-dir
echo "removed $conf"
`;
  const conf = `# Configuration of \${DAM_APP_NAME} \${DAM_APP_VERSION}, written by \`dam install\`; \`dam remove\` deletes it.
greeting=hello from \${DAM_APP_NAME}
`;
  return [
    { path: 'Dockerfile', text: dockerfile, mode: REGULAR },
    {
      path: 'ENVIRONMENT',
      text: environmentFile(
        name,
        `# Where install writes ${name}.conf unless DAM_CONF_DIR is set when installing.\nDEFAULT_CONF_DIR=/etc/${name}\n`,
      ),
      mode: REGULAR,
    },
    description('configuration files; install puts them on the host, uninstall removes them.'),
    { path: 'meta/install.exp', text: install, mode: EXECUTABLE },
    { path: 'meta/uninstall.exp', text: uninstall, mode: EXECUTABLE },
    { path: 'meta/files/app.conf.exp', text: conf, mode: REGULAR },
  ];
}
