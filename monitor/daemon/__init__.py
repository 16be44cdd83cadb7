"""The daemon: leader election (`leader`), the jobs and their schedule (`jobs`), the runner
that records and backs them off (`runner`, `threads`, `outcomes`), and `main`, which ties
them to one event loop."""
