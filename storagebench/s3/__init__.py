"""S3 target: embedded moto server, clients side by side, counted requests and bytes."""
