// Command samspil runs the samspil platform and its maintenance tasks.
//
//	samspil serve --demo          # start with demo data on http://127.0.0.1:8080
//	samspil migrate --db URL      # bring the schema up to date
//	samspil user add --email E --org 0740 --role admin
//	samspil token create --user E # print a new API token
//	samspil backup --to FILE      # online backup of a SQLite database
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"
	_ "time/tzdata" // calendars and pages use Europe/Copenhagen on any machine
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	m := &Main{Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr, Getenv: os.Getenv}
	os.Exit(m.Run(ctx, os.Args[1:]))
}
