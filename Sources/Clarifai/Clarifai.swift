public enum Clarifai {}
