"""What every app's API router shares and nothing of ours: input types, pagination, the error bodies
and their mapping. The NinjaAPI that mounts the routers (and tokens, auth) is `chibo.api`, at the top."""
