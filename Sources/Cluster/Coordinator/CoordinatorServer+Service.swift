import ServiceLifecycle

extension CoordinatorServer: Service {}
