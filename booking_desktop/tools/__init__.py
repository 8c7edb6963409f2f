"""Developer tools: the benchmarks (`bench`, `bench-ui`, `bench-exports`) and
`screenshot`. They sit above the application (they may use the services and
the windows); nothing in the application imports them."""
