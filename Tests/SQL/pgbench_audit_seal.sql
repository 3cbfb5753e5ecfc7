-- The server's periodic sealer, running concurrently with the writers.
select audit.seal();
