# dev-agent: the webhook server (`dev-agent serve`) and the rq worker (`dev-agent worker`).
# Build stage: wheels for the bot and checkov (checkov gets its own virtualenv: it ships a fork of
# python-hcl2 under the same import name).
FROM python:3.11.11-slim-bookworm AS build
WORKDIR /src
COPY constraints ./constraints
RUN python -m venv /opt/dev-agent && python -m venv /opt/checkov \
    && /opt/checkov/bin/pip install --no-cache-dir -c constraints/checkov.txt checkov
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY generators ./generators
COPY policies ./policies
RUN /opt/dev-agent/bin/pip install --no-cache-dir -c constraints/bot.txt .

# Runtime stage: slim, non-root, terraform from the official release archive copied in at build time.
FROM python:3.11.11-slim-bookworm
ARG TERRAFORM_VERSION=1.11.4
RUN apt-get update \
    && apt-get install -y --no-install-recommends git=1:2.39.5-0+deb12u2 curl=7.88.1-10+deb12u12 unzip=6.0-28 \
    && curl -fsSLo /tmp/terraform.zip "https://releases.hashicorp.com/terraform/${TERRAFORM_VERSION}/terraform_${TERRAFORM_VERSION}_linux_amd64.zip" \
    && unzip /tmp/terraform.zip terraform -d /usr/local/bin \
    && rm /tmp/terraform.zip \
    && apt-get purge -y curl unzip && apt-get autoremove -y \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --create-home --uid 10001 --shell /usr/sbin/nologin devagent
COPY --from=build /opt/dev-agent /opt/dev-agent
COPY --from=build /opt/checkov /opt/checkov
ENV PATH="/opt/dev-agent/bin:/opt/checkov/bin:${PATH}" \
    PYTHONUNBUFFERED=1 \
    CKV_SKIP_PACKAGE_UPDATE_CHECK=true \
    BC_SKIP_MAPPING=TRUE
USER 10001
WORKDIR /home/devagent
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=3s --start-period=10s --retries=3 \
    CMD ["python", "-c", "import urllib.request,sys; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:8080/healthz', timeout=2).status == 200 else 1)"]
CMD ["dev-agent", "serve", "--host", "0.0.0.0", "--port", "8080"]
