module twofold

go 1.26.0

require (
	github.com/godbus/dbus/v5 v5.2.2
	github.com/gofrs/flock v0.13.2
	github.com/pquerna/otp v1.5.0
	github.com/zalando/go-keyring v0.2.8
	golang.org/x/crypto v0.59.0
	google.golang.org/protobuf v1.36.12
)

require (
	github.com/boombuler/barcode v1.0.1-0.20190219062509-6c824513bacc // indirect
	github.com/danieljoos/wincred v1.2.3 // indirect
	golang.org/x/sys v0.50.0 // indirect
)
