package main

import "os"

func main() {
	os.Exit(execute(osState(), os.Args[1:]))
}
