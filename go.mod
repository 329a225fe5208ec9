module github.com/gaitkeeper/gaitkeeper

go 1.26.8

require (
	github.com/muktihari/fit v0.28.4
	github.com/spf13/cobra v1.10.2
	github.com/spf13/pflag v1.0.10
)

require github.com/inconshreveable/mousetrap v1.1.0 // indirect
