"""Runtime support imported by migrated code: backend-agnostic Keras 3 implementations of
layers and constraints that Keras 3 removed (the guide: "copy the implementation into your
own codebase"). Depends on nothing but keras."""

__all__ = []
