# Multi-stage build: a static Khung binary (templates, assets, locales, migrations and the
# official unit list are embedded) on Debian slim with Chromium (for PDFs), as a non-root user.
FROM golang:1.27.3-bookworm AS build
WORKDIR /src
ENV CGO_ENABLED=0 GOTOOLCHAIN=local
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN go build -trimpath -ldflags="-s -w" -o /out/khung .

# The runtime needs Chromium: official documents and reports are printed to PDF by it
# (app/officialdoc, app/reports), with fonts that have the Vietnamese letters.
FROM debian:bookworm-slim
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      chromium fonts-noto-core fonts-dejavu-core ca-certificates tzdata \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 65532 --home-dir /nonexistent --shell /usr/sbin/nologin nonroot
COPY --from=build /out/khung /usr/local/bin/khung
USER nonroot:nonroot
ENV ADDR=0.0.0.0:8080 CHROMIUM_BIN=/usr/bin/chromium
EXPOSE 8080
ENTRYPOINT ["/usr/local/bin/khung"]
CMD ["serve"]
