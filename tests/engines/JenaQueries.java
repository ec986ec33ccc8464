// Apache Jena's answers to SPARQL queries over the published layout, for tests/test_engines.py: one JVM loads the
// dataset once and runs every query given. The default graph is the merge graph; the named graphs are the other
// graphs but the manifest, as spacefilms' RemoteBackend asks an endpoint for (default-graph-uri, named-graph-uri).
// Usage: java -cp JENA_CLASSPATH JenaQueries.java DATA.nq MERGE_IRI MANIFEST_IRI OUT_DIR QUERY.rq...
// Writes OUT_DIR/<query file name>.json (SPARQL JSON results) for each query.

import java.io.FileOutputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.Iterator;
import org.apache.jena.graph.Node;
import org.apache.jena.graph.NodeFactory;
import org.apache.jena.query.DatasetFactory;
import org.apache.jena.query.Query;
import org.apache.jena.query.QueryExecution;
import org.apache.jena.query.QueryExecutionFactory;
import org.apache.jena.query.QueryFactory;
import org.apache.jena.query.ResultSetFormatter;
import org.apache.jena.riot.RDFDataMgr;
import org.apache.jena.sparql.core.DatasetGraph;
import org.apache.jena.sparql.core.DatasetGraphFactory;

public class JenaQueries {
    public static void main(String[] args) throws Exception {
        DatasetGraph loaded = RDFDataMgr.loadDatasetGraph(args[0]);
        Node merge = NodeFactory.createURI(args[1]);
        Node manifest = NodeFactory.createURI(args[2]);
        DatasetGraph dataset = DatasetGraphFactory.createGeneral();
        dataset.setDefaultGraph(loaded.getGraph(merge));
        for (Iterator<Node> names = loaded.listGraphNodes(); names.hasNext(); ) {
            Node name = names.next();
            if (!name.equals(merge) && !name.equals(manifest)) {
                dataset.addGraph(name, loaded.getGraph(name));
            }
        }
        for (int i = 4; i < args.length; i++) {
            Query query = QueryFactory.read(args[i]);
            String name = Path.of(args[i]).getFileName().toString();
            try (QueryExecution execution = QueryExecutionFactory.create(query, DatasetFactory.wrap(dataset));
                 OutputStream out = new FileOutputStream(Path.of(args[3], name + ".json").toFile())) {
                ResultSetFormatter.outputAsJSON(out, execution.execSelect());
            }
        }
    }
}
