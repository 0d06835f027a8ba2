public enum Cluster {}
