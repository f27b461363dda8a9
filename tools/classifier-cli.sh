# Sourced by the classifier's command-line tools: runs a main class of the classifier from its build
# folder, after checking the build is there. Usage: classifier_java [java options] MainClass [args]
classifier_java() {
  local module
  module="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/services/classifier"
  if [[ ! -f "$module/target/cli-classpath.txt" || ! -d "$module/target/classes" ]]; then
    echo "build the classifier first: mvn -B -q -pl services/classifier -am package -DskipTests" >&2
    exit 2
  fi
  exec java -Djava.util.logging.manager=org.jboss.logmanager.LogManager \
    -cp "$module/target/classes:$(cat "$module/target/cli-classpath.txt")" "$@"
}
