public enum ZeroMQ {}
