# Multi-stage build: a static Khung binary (templates, assets, locales, migrations and the
# official unit list are embedded) on a distroless base, running as a non-root user.
FROM golang:1.27.3-bookworm AS build
WORKDIR /src
ENV CGO_ENABLED=0 GOTOOLCHAIN=local
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN go build -trimpath -ldflags="-s -w" -o /out/khung .

# distroless/static has CA certificates and tzdata, no shell, and a "nonroot" user (65532).
FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/khung /usr/local/bin/khung
USER nonroot:nonroot
ENV ADDR=0.0.0.0:8080
EXPOSE 8080
ENTRYPOINT ["/usr/local/bin/khung"]
CMD ["serve"]
