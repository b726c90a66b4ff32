# vidmae image for workers, coordinators and the HTTP service: Debian 12 (bookworm), Node.js 20, FFmpeg.
#   docker build -t vidmae .
#   docker run --rm vidmae worker --queue redis://queue:6379 --db postgres://vidmae:secret@db/vidmae
# Model downloads (Hugging Face cache) and built graphs live under /cache: mount a volume there to keep them.

FROM node:20-bookworm-slim AS build
# Native addons (better-sqlite3, usearch) compile here; onnxruntime-node ships its CPU binaries in the package and
# must not try to download CUDA ones.
RUN apt-get update \
  && apt-get install -y --no-install-recommends python3 make g++ \
  && rm -rf /var/lib/apt/lists/*
ENV ONNXRUNTIME_NODE_INSTALL=skip
WORKDIR /app
COPY package.json package-lock.json tsconfig.json tsconfig.build.json ./
COPY src ./src
# `npm ci` builds dist/ (the `prepare` script); the dev dependencies it needed are dropped after.
RUN npm ci --no-audit --no-fund && npm prune --omit=dev --no-audit --no-fund

FROM node:20-bookworm-slim
RUN apt-get update \
  && apt-get install -y --no-install-recommends ffmpeg ca-certificates tini \
  && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
RUN mkdir -p /cache && chown node:node /cache
ENV NODE_ENV=production \
  HF_HOME=/cache/huggingface \
  VIDMAE_CACHE=/cache/vidmae
USER node
# tini forwards SIGTERM, so `docker stop` lets a worker finish its jobs in progress.
ENTRYPOINT ["/usr/bin/tini", "--", "node", "/app/dist/cli/main.js"]
CMD ["--help"]
