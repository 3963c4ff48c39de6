"""The container health check: is this web process answering /livez?

/livez asks nothing of the database, Redis or beat, so a stopped beat never
marks web unhealthy (/healthz is the monitoring endpoint that does). Django
answers 400 to a Host it does not know, so the request names the first host
in ALLOWED_HOSTS rather than 127.0.0.1, which production does not list.
"""

import os
import sys
import urllib.request


def host_header():
    for host in os.environ.get("ALLOWED_HOSTS", "").split(","):
        host = host.strip().lstrip(".")
        if host and host != "*":
            return host
    return "localhost"


def main():
    url = f"http://127.0.0.1:{os.environ.get('PORT', '8000')}/livez"
    # The proxy in front normally says the request came over https; saying so
    # here keeps the answer the same with and without INSECURE_LOCAL_HTTP.
    request = urllib.request.Request(
        url, headers={"Host": host_header(), "X-Forwarded-Proto": "https"}
    )
    try:
        with urllib.request.urlopen(request, timeout=4) as response:
            return 0 if response.status == 200 else 1
    except OSError as exc:
        print(f"{url}: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
