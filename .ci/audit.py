"""pip-audit on requirements.txt: fail on a known vulnerability; one line (and no failure) when the vulnerability
service cannot be reached from this machine."""

import json
import subprocess
import sys

run = subprocess.run([sys.executable, "-m", "pip_audit", "-r", "requirements.txt", "-f", "json",
                      "--progress-spinner", "off"], capture_output=True, text=True, timeout=600)
try:
    deps = json.loads(run.stdout or "{}").get("dependencies", [])
except json.JSONDecodeError:
    deps = []
if not deps:
    print(f"pip-audit: could not run or reach the vulnerability service ({(run.stderr or 'no output').strip()[:160]})")
    sys.exit(0)
audited = [d for d in deps if "skip_reason" not in d]
vulnerable = [d for d in audited if d.get("vulns")]
if not audited:
    print(f"pip-audit: the vulnerability service could not be reached from here; {len(deps)} packages not audited")
    sys.exit(0)
for d in vulnerable:
    ids = ", ".join(v.get("id", "?") + (f" (fixed in {', '.join(v['fix_versions'])})" if v.get("fix_versions") else "")
                    for v in d["vulns"])
    print(f"pip-audit: {d['name']} {d['version']}: {ids}")
print(f"pip-audit: {len(audited)} packages audited, {len(vulnerable)} with known vulnerabilities")
sys.exit(1 if vulnerable else 0)
