// `dam init --kind service`: a long-running container with a port and a data volume, both named after the
// app so that two apps never clash; busybox httpd serves a page so the service visibly answers.
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

export function serviceProject({ name, base }: InitInput): InitFile[] {
  const dockerfile = `${dockerfileHeader('service', base)}COPY www /www
COPY meta /meta
EXPOSE 8080
CMD ["httpd", "-f", "-v", "-p", "8080", "-h", "/www"]
`;
  const install = `${scriptHeader('install', 'Starts the service: one container, named after the app, publishing its port, with a data volume.')}${TAG_LINES}name='dam-\${DAM_APP_NAME}'
volume='dam-\${DAM_APP_NAME}-data'
# PORT chooses the host port when installing (PORT=8081 dam install ...); else DEFAULT_PORT of ENVIRONMENT.
port=\${PORT:-\${DEFAULT_PORT}}

docker rm -f "$name" >/dev/null 2>&1 || true
docker volume create --label dam.app='\${DAM_APP_NAME}' "$volume" >/dev/null
docker run -d --name "$name" --restart unless-stopped --label dam.app='\${DAM_APP_NAME}' \\
  -p "$port:8080" -v "$volume:/data" "$tag" >/dev/null
echo "\${DAM_APP_NAME} \${DAM_APP_VERSION} is serving on port $port (container $name)"
`;
  const uninstall = `${scriptHeader('uninstall', "Stops and removes the service's container; the data volume too, except during an upgrade.")}name='dam-\${DAM_APP_NAME}'
volume='dam-\${DAM_APP_NAME}-data'

docker rm -f "$name" >/dev/null 2>&1 || true
# DAM 2 says which operation runs the script; DAM 1.x says nothing, which here means a removal.
if [ "\${DAM_ACTION:-remove}" != upgrade ]; then
  docker volume rm "$volume" >/dev/null 2>&1 || true
fi
echo "removed container $name"
`;
  return [
    { path: 'Dockerfile', text: dockerfile, mode: REGULAR },
    {
      path: 'ENVIRONMENT',
      text: environmentFile(
        name,
        '# The host port the service publishes unless PORT is set when installing.\nDEFAULT_PORT=8080\n',
      ),
      mode: REGULAR,
    },
    description('a web service in a container; install starts it, uninstall stops and removes it.'),
    { path: 'meta/install.exp', text: install, mode: EXECUTABLE },
    { path: 'meta/uninstall.exp', text: uninstall, mode: EXECUTABLE },
    {
      path: 'www/index.html',
      text: `<!doctype html>\n<title>${name}</title>\n<h1>${name} is running</h1>\n`,
      mode: REGULAR,
    },
  ];
}
