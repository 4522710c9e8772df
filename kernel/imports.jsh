// The imports the modmask kernel makes at start-up, for other Java kernels (IJava, JJava) once the modmask jars
// are on their classpath: %load <modmask checkout>/kernel/imports.jsh
import java.util.*;
import java.util.stream.*;
import java.nio.file.*;
import org.modmask.*;
import org.modmask.data.*;
import org.modmask.nn.*;
import org.modmask.train.*;
import org.modmask.mask.*;
import org.modmask.analysis.*;
import org.modmask.plot.*;
import org.modmask.experiment.*;
import org.modmask.cluster.*;
import tech.tablesaw.api.*;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.api.ndarray.INDArray;
