"""Rolling the migration out across a monorepo: owners, target states, shards (plan /
apply), status and its dashboard, the Keras 2 markers (prepare). Built on the Bazel
driver (keras_migrate.bazel); the engine and the rules know nothing of it."""
