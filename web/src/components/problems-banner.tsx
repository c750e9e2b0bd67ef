/** What did not arrive with a partial answer: the API's own messages under a heading, announced. */
export function ProblemsBanner({ title, problems }: { title: string; problems: readonly { message: string }[] }) {
  if (problems.length === 0) return null;
  return (
    <div class="banner error" role="alert">
      {title}
      <ul>
        {problems.map((problem, index) => (
          <li key={index}>{problem.message}</li>
        ))}
      </ul>
    </div>
  );
}
